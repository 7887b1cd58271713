using Beacon.Images.Rendering;
using Beacon.Layers.Documents;
using Beacon.Pulumi.Model;

namespace Beacon.Pulumi.Targets;

/// <summary>
/// <c>azure</c>: a resource group, a container registry (credentials from listRegistryCredentials), an AKS cluster
/// with a small system pool, an agent pool per hardware profile (GPU: driver install, taint, labels), and the
/// workloads. The trimmed azure-native schema has no function returning a kubeconfig, so the kubernetes provider
/// uses the cluster's context from `az aks get-credentials` (named after the cluster).
/// </summary>
public sealed class AzureTarget : ICloudTarget
{
    public void Emit(SynthesisContext context)
    {
        var plan = context.Plan;
        var program = context.Program;
        var stack = plan.Stack;
        var location = stack.Region ?? "westeurope";
        var provider = new Map().Add("provider", PulumiProgram.Ref("azure-provider"));
        program.Resource("azure-provider", "pulumi:providers:azure-native", new Map().Add("location", location), new Map().Add("version", ProviderVersions.AzureNative));
        program.Resource("rg", "azure-native:resources:ResourceGroup", new Map().Add("location", location), provider);
        // The oci builder pushes to the registry the stack names before `pulumi up`; only the docker builder needs
        // the container registry the stack creates.
        var oci = plan.Builder == ImageBuilderKind.Oci;
        if (oci)
        {
            ImageResources.Emit(context, Repository, push: true, registries: null);
        }
        else
        {
            var registryName = new string($"beacon{stack.Name}".Where(char.IsAsciiLetterOrDigit).ToArray());
            program.Resource("registry", "azure-native:containerregistry:Registry", new Map()
                .Add("resourceGroupName", PulumiProgram.Ref("rg", "name"))
                .Add("registryName", registryName.Length > 50 ? registryName[..50] : registryName)
                .Add("location", location)
                .Add("adminUserEnabled", true)
                .Add("sku", new Map().Add("name", "Standard")), provider);
            program.Variable("registryCredentials", new Map().Add("fn::invoke", new Map()
                .Add("function", "azure-native:containerregistry:listRegistryCredentials")
                .Add("arguments", new Map().Add("resourceGroupName", PulumiProgram.Ref("rg", "name")).Add("registryName", PulumiProgram.Ref("registry", "name")))
                .Add("options", provider)));
            ImageResources.Emit(context, Repository, push: true, registries: new List<object>
            {
                new Map().Add("address", PulumiProgram.Ref("registry", "loginServer"))
                    .Add("username", PulumiProgram.Ref("registryCredentials", "username"))
                    .Add("password", PulumiProgram.Ref("registryCredentials", "passwords[0].value")),
            });
        }

        var clusterName = stack.Cluster.Name ?? $"beacon-{stack.Name}";
        program.Resource("aks", "azure-native:containerservice:ManagedCluster", new Map()
            .Add("resourceGroupName", PulumiProgram.Ref("rg", "name"))
            .Add("resourceName", clusterName)
            .Add("location", location)
            .Add("dnsPrefix", clusterName)
            .Add("identity", new Map().Add("type", "SystemAssigned"))
            .Add("agentPoolProfiles", new List<object>
            {
                new Map().Add("name", "system").Add("mode", "System").Add("count", 1).Add("vmSize", "Standard_D2s_v5").Add("osType", "Linux"),
            }), provider);
        foreach (var pool in plan.NodePools)
        {
            var name = new string(pool.Name.Where(char.IsAsciiLetterOrDigit).ToArray());
            program.Resource($"nodes-{pool.Name}", "azure-native:containerservice:AgentPool", new Map()
                .Add("resourceGroupName", PulumiProgram.Ref("rg", "name"))
                .Add("resourceName", PulumiProgram.Ref("aks", "name"))
                .Add("agentPoolName", name.Length > 12 ? name[..12] : name)
                .Add("mode", "User")
                .Add("osType", "Linux")
                .Add("vmSize", InstanceTypes.Azure(pool.Profile, pool.Platform))
                // Fixed, because AKS's memory reservation is counted from it (Beacon.Images.Sizing.NodeSizing).
                .Add("maxPods", Beacon.Images.Sizing.NodeCatalog.KubernetesMaxPods)
                .Add("enableAutoScaling", true)
                .Add("count", Math.Max(pool.Min, 1))
                .Add("minCount", pool.Min)
                .Add("maxCount", pool.Max)
                .Add("nodeLabels", new Map().Add(WorkloadObjects.HardwareLabel, pool.Name))
                .Add("nodeTaints", pool.Profile.HasGpu ? new List<object> { "nvidia.com/gpu=true:NoSchedule" } : null)
                .Add("gpuProfile", pool.Profile.HasGpu ? new Map().Add("driver", "Install") : null), provider);
        }
        program.Resource("k8s-provider", "pulumi:providers:kubernetes", new Map().Add("context", clusterName).Add("enableServerSideApply", true),
            new Map().Add("version", ProviderVersions.Kubernetes).Add("dependsOn", plan.NodePools.Select(p => (object)PulumiProgram.Ref($"nodes-{p.Name}")).ToList()));
        KubernetesResources.Emit(context, "k8s-provider", oci ? null : Repository);
        program.Output("registryUrl", oci ? plan.Registry : PulumiProgram.Ref("registry", "loginServer"));
        program.Output("clusterName", PulumiProgram.Ref("aks", "name"));
    }

    /// <summary>All layers share the stack's registry; the image is named after the layer.</summary>
    private static object Repository(string layer) => PulumiProgram.Join(PulumiProgram.Ref("registry", "loginServer"), "/", layer);
}
