using Beacon.Images.Rendering;
using Beacon.Layers.Documents;
using Beacon.Pulumi.Model;

namespace Beacon.Pulumi.Targets;

/// <summary>
/// <c>gcp</c>: an Artifact Registry repository, a GKE cluster without its default pool, a node pool per hardware
/// profile (GPU: guest accelerators with driver installation, taint, labels) under a node service account, images
/// pushed with a Pulumi-secret access token, and the workloads.
/// </summary>
public sealed class GcpTarget : ICloudTarget
{
    public void Emit(SynthesisContext context)
    {
        var plan = context.Plan;
        var program = context.Program;
        var stack = plan.Stack;
        var region = stack.Region ?? "us-central1";
        var provider = new Map().Add("provider", PulumiProgram.Ref("gcp-provider"));
        program.Resource("gcp-provider", "pulumi:providers:gcp", new Map().Add("region", region), new Map().Add("version", ProviderVersions.Gcp));
        // The oci builder pushes to the registry the stack names before `pulumi up`; only the docker builder needs
        // the Artifact Registry repository the stack creates.
        var oci = plan.Builder == ImageBuilderKind.Oci;
        if (oci)
        {
            ImageResources.Emit(context, Repository, push: true, registries: null);
        }
        else
        {
            program.Resource("registry", "gcp:artifactregistry/repository:Repository", new Map()
                .Add("repositoryId", $"beacon-{stack.Name}")
                .Add("format", "DOCKER")
                .Add("location", region)
                .Add("description", "Beacon layer images")
                // One switch for every tag: locking would stop `publish` moving stage tags (Naming.RegistryTags).
                .Add("dockerConfig", new Map().Add("immutableTags", false)), provider);
            // An access token (e.g. `gcloud auth print-access-token`) as a Pulumi secret: beacon:registryPassword.
            program.Config("registryPassword", "string", secret: true);
            ImageResources.Emit(context, Repository, push: true, registries: new List<object>
            {
                new Map().Add("address", $"{region}-docker.pkg.dev").Add("username", "oauth2accesstoken").Add("password", PulumiProgram.Ref("registryPassword")),
            });
        }

        var clusterName = stack.Cluster.Name ?? $"beacon-{stack.Name}";
        program.Resource("node-account", "gcp:serviceaccount/account:Account", new Map()
            .Add("accountId", $"beacon-nodes-{stack.Name}".Length > 30 ? $"beacon-nodes-{stack.Name}"[..30].TrimEnd('-') : $"beacon-nodes-{stack.Name}")
            .Add("displayName", "Beacon GKE nodes"), provider);
        program.Resource("gke", "gcp:container/cluster:Cluster", new Map()
            .Add("name", clusterName)
            .Add("location", region)
            .Add("removeDefaultNodePool", true)
            .Add("initialNodeCount", 1)
            .Add("deletionProtection", false), provider);
        foreach (var pool in plan.NodePools)
        {
            var nodeConfig = new Map()
                .Add("machineType", InstanceTypes.Gcp(pool.Profile, pool.Platform))
                .Add("serviceAccount", PulumiProgram.Ref("node-account", "email"))
                .Add("oauthScopes", new List<object> { "https://www.googleapis.com/auth/cloud-platform" })
                .Add("labels", new Map().Add(WorkloadObjects.HardwareLabel, pool.Name));
            if (pool.Profile.Gpu is { Count: > 0 } gpu)
            {
                nodeConfig.Add("guestAccelerators", new List<object>
                {
                    new Map().Add("type", InstanceTypes.GcpAccelerator(gpu.Kind)).Add("count", InstanceTypes.GcpAcceleratorCount(pool.Profile, pool.Platform))
                        .Add("gpuDriverInstallationConfig", new Map().Add("gpuDriverVersion", "LATEST")),
                });
                nodeConfig.Add("taints", new List<object> { new Map().Add("key", "nvidia.com/gpu").Add("value", "true").Add("effect", "NO_SCHEDULE") });
            }
            program.Resource($"nodes-{pool.Name}", "gcp:container/nodePool:NodePool", new Map()
                .Add("cluster", PulumiProgram.Ref("gke", "name"))
                .Add("location", region)
                .Add("name", pool.Name)
                .Add("initialNodeCount", pool.Min)
                .Add("autoscaling", new Map().Add("minNodeCount", pool.Min).Add("maxNodeCount", pool.Max))
                .Add("nodeConfig", nodeConfig), provider);
        }
        program.Variable("kubeconfig", new Map().Add("fn::toJSON", new Map()
            .Add("apiVersion", "v1")
            .Add("kind", "Config")
            .Add("clusters", new List<object> { new Map().Add("name", clusterName).Add("cluster", new Map()
                .Add("server", PulumiProgram.Join("https://", PulumiProgram.Ref("gke", "endpoint")))
                .Add("certificate-authority-data", PulumiProgram.Ref("gke", "masterAuth.clusterCaCertificate"))) })
            .Add("contexts", new List<object> { new Map().Add("name", clusterName).Add("context", new Map().Add("cluster", clusterName).Add("user", "gke")) })
            .Add("current-context", clusterName)
            .Add("users", new List<object> { new Map().Add("name", "gke").Add("user", new Map().Add("exec", new Map()
                .Add("apiVersion", "client.authentication.k8s.io/v1beta1")
                .Add("command", "gke-gcloud-auth-plugin")
                .Add("provideClusterInfo", true))) })));
        program.Resource("k8s-provider", "pulumi:providers:kubernetes", new Map().Add("kubeconfig", PulumiProgram.Ref("kubeconfig")).Add("enableServerSideApply", true),
            new Map().Add("version", ProviderVersions.Kubernetes).Add("dependsOn", plan.NodePools.Select(p => (object)PulumiProgram.Ref($"nodes-{p.Name}")).ToList()));
        KubernetesResources.Emit(context, "k8s-provider", oci ? null : Repository);
        program.Output("registryUrl", oci ? plan.Registry : PulumiProgram.Ref("registry", "registryUri"));
        program.Output("clusterName", PulumiProgram.Ref("gke", "name"));
        program.Output("kubeconfig", new Map().Add("fn::secret", PulumiProgram.Ref("kubeconfig")));
    }

    /// <summary>All layers share the stack's registry; the image is named after the layer.</summary>
    private static object Repository(string layer) => PulumiProgram.Join(PulumiProgram.Ref("registry", "registryUri"), "/", layer);
}
