using Beacon.Images.Rendering;
using Beacon.Layers.Documents;
using Beacon.Pulumi.Model;

namespace Beacon.Pulumi.Targets;

/// <summary><c>kubernetes</c>: an existing cluster (kubeconfig + context) and any registry; images and workloads only.</summary>
public sealed class KubernetesTarget : ICloudTarget
{
    public void Emit(SynthesisContext context)
    {
        var plan = context.Plan;
        var cluster = plan.Stack.Cluster;
        ImageResources.Emit(context, layer => $"{plan.Registry}/{layer}", push: true,
            registries: new List<object>
            {
                new Map().Add("address", plan.Registry.Split('/')[0])
                    .Add("username", PulumiProgram.Ref("registryUsername"))
                    .Add("password", PulumiProgram.Ref("registryPassword")),
            });
        if (plan.Builder == ImageBuilderKind.Docker)
        {
            // Registry credentials come from Pulumi config (`pulumi config set beacon:registryUsername ...` and
            // `pulumi config set --secret beacon:registryPassword ...`), never from files Beacon writes (the oci
            // path declares the same two).
            context.Program.Config("registryUsername", "string");
            context.Program.Config("registryPassword", "string", secret: true);
        }
        context.Program.Resource("k8s-provider", "pulumi:providers:kubernetes", new Map()
            .Add("kubeconfig", cluster.Kubeconfig)
            .Add("context", cluster.Context)
            .Add("enableServerSideApply", true), new Map().Add("version", ProviderVersions.Kubernetes));
        KubernetesResources.Emit(context, "k8s-provider");
        context.Program.Output("registry", plan.Registry);
        context.Program.Output("cluster", cluster.Context ?? "current-context");
    }
}
