using Beacon.Images.Rendering;
using Beacon.Layers.Documents;
using Beacon.Pulumi.Model;

namespace Beacon.Pulumi.Targets;

/// <summary>
/// <c>aws</c>: an ECR repository per layer (with a lifecycle policy), an EKS cluster with its IAM roles (unless an
/// existing cluster's kubeconfig is given), a node group per hardware profile (GPU: NVIDIA AMI, taint, labels), a
/// kubernetes provider for the cluster, images pushed with ECR's authorization token, and the workloads.
/// </summary>
public sealed class AwsTarget : ICloudTarget
{
    public void Emit(SynthesisContext context)
    {
        var plan = context.Plan;
        var program = context.Program;
        var stack = plan.Stack;
        var provider = new Map().Add("provider", PulumiProgram.Ref("aws-provider"));
        program.Resource("aws-provider", "pulumi:providers:aws", new Map().Add("region", stack.Region), new Map().Add("version", ProviderVersions.Aws));

        // The oci builder pushes to the registry the stack names (beacon:registry) before `pulumi up`; only the
        // docker builder needs repositories the stack creates.
        var oci = plan.Builder == ImageBuilderKind.Oci;
        if (oci)
        {
            ImageResources.Emit(context, Repository, push: true, registries: null);
        }
        else
        {
            foreach (var image in plan.Images)
            {
                program.Resource($"ecr-{image.Layer}", "aws:ecr/repository:Repository", new Map()
                    .Add("name", $"beacon/{image.Layer}")
                    // Identity tags locked, the tags Beacon moves (stages, build cache) excluded: Naming.RegistryTags.
                    .Add("imageTagMutability", "IMMUTABLE_WITH_EXCLUSION")
                    .Add("imageTagMutabilityExclusionFilters", Beacon.Images.Naming.RegistryTags.Movable
                        .Select(t => (object)new Map().Add("filterType", "WILDCARD").Add("filter", t)).ToList())
                    .Add("imageScanningConfiguration", new Map().Add("scanOnPush", true)), provider);
                program.Resource($"ecr-{image.Layer}-lifecycle", "aws:ecr/lifecyclePolicy:LifecyclePolicy", new Map()
                    .Add("repository", PulumiProgram.Ref($"ecr-{image.Layer}", "name"))
                    .Add("policy", new Map().Add("fn::toJSON", new Map().Add("rules", new List<object>
                    {
                        // An image a rule matches is never expired by a lower-priority rule: what a stage tag points
                        // at stays, however many images come after it.
                        new Map().Add("rulePriority", 1).Add("description", "keep what a stage tag points at")
                            .Add("selection", new Map().Add("tagStatus", "tagged").Add("tagPrefixList", Layers.Documents.Stages.Names.Select(s => (object)s).ToList())
                                .Add("countType", "imageCountMoreThan").Add("countNumber", 1000))
                            .Add("action", new Map().Add("type", "expire")),
                        new Map().Add("rulePriority", 2).Add("description", "keep the 30 newest other images")
                            .Add("selection", new Map().Add("tagStatus", "any").Add("countType", "imageCountMoreThan").Add("countNumber", 30))
                            .Add("action", new Map().Add("type", "expire")),
                    }))), provider);
            }
            program.Variable("ecrAuth", new Map().Add("fn::invoke", new Map()
                .Add("function", "aws:ecr/getAuthorizationToken:getAuthorizationToken")
                .Add("arguments", new Map())
                .Add("options", provider)));
            ImageResources.Emit(context, Repository, push: true, registries: new List<object>
            {
                new Map().Add("address", PulumiProgram.Ref("ecrAuth", "proxyEndpoint"))
                    .Add("username", PulumiProgram.Ref("ecrAuth", "userName"))
                    .Add("password", PulumiProgram.Ref("ecrAuth", "password")),
            });
        }

        string k8sProvider;
        if (stack.Cluster.Kubeconfig is { } kubeconfig)
        {
            k8sProvider = "k8s-provider";
            program.Resource(k8sProvider, "pulumi:providers:kubernetes", new Map().Add("kubeconfig", kubeconfig).Add("context", stack.Cluster.Context),
                new Map().Add("version", ProviderVersions.Kubernetes));
            program.Output("clusterName", stack.Cluster.Context ?? "existing");
        }
        else
        {
            k8sProvider = EmitCluster(context, provider);
        }
        KubernetesResources.Emit(context, k8sProvider, oci ? null : Repository);
        program.Output("registryUrl", oci ? plan.Registry : PulumiProgram.Ref($"ecr-{plan.Images[0].Layer}", "repositoryUrl"));
    }

    /// <summary>Each layer has its own ECR repository.</summary>
    private static object Repository(string layer) => PulumiProgram.Ref($"ecr-{layer}", "repositoryUrl");

    private static Map AssumeRole(string service) => new Map().Add("fn::toJSON", new Map()
        .Add("Version", "2012-10-17")
        .Add("Statement", new List<object>
        {
            new Map().Add("Effect", "Allow").Add("Action", "sts:AssumeRole").Add("Principal", new Map().Add("Service", service)),
        }));

    private static string EmitCluster(SynthesisContext context, Map provider)
    {
        var program = context.Program;
        var plan = context.Plan;
        var stack = plan.Stack;
        program.Resource("eks-cluster-role", "aws:iam/role:Role", new Map().Add("assumeRolePolicy", AssumeRole("eks.amazonaws.com")), provider);
        program.Resource("eks-cluster-policy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", new Map()
            .Add("role", PulumiProgram.Ref("eks-cluster-role", "name"))
            .Add("policyArn", "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"), provider);
        program.Resource("eks-node-role", "aws:iam/role:Role", new Map().Add("assumeRolePolicy", AssumeRole("ec2.amazonaws.com")), provider);
        foreach (var (name, arn) in new[]
        {
            ("worker", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"),
            ("cni", "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"),
            ("ecr", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"),
        })
        {
            program.Resource($"eks-node-{name}-policy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", new Map()
                .Add("role", PulumiProgram.Ref("eks-node-role", "name")).Add("policyArn", arn), provider);
        }
        var clusterName = stack.Cluster.Name ?? $"beacon-{stack.Name}";
        program.Resource("eks", "aws:eks/cluster:Cluster", new Map()
            .Add("name", clusterName)
            .Add("roleArn", PulumiProgram.Ref("eks-cluster-role", "arn"))
            .Add("vpcConfig", new Map().Add("subnetIds", stack.SubnetIds.ToList())),
            new Map().Add("provider", PulumiProgram.Ref("aws-provider")).Add("dependsOn", new List<object> { PulumiProgram.Ref("eks-cluster-policy") }));
        foreach (var pool in plan.NodePools)
        {
            program.Resource($"nodes-{pool.Name}", "aws:eks/nodeGroup:NodeGroup", new Map()
                .Add("clusterName", PulumiProgram.Ref("eks", "name"))
                .Add("nodeGroupName", pool.Name)
                .Add("nodeRoleArn", PulumiProgram.Ref("eks-node-role", "arn"))
                .Add("subnetIds", stack.SubnetIds.ToList())
                .Add("instanceTypes", new List<object> { InstanceTypes.Aws(pool.Profile, pool.Platform) })
                .Add("amiType", InstanceTypes.AwsAmi(pool.Profile, pool.Platform))
                .Add("scalingConfig", new Map().Add("minSize", pool.Min).Add("desiredSize", pool.Min).Add("maxSize", pool.Max))
                .Add("labels", new Map().Add(WorkloadObjects.HardwareLabel, pool.Name))
                .Add("taints", pool.Profile.HasGpu ? new List<object> { new Map().Add("key", "nvidia.com/gpu").Add("value", "true").Add("effect", "NO_SCHEDULE") } : null),
                new Map().Add("provider", PulumiProgram.Ref("aws-provider")).Add("dependsOn", new List<object>
                {
                    PulumiProgram.Ref("eks-node-worker-policy"), PulumiProgram.Ref("eks-node-cni-policy"), PulumiProgram.Ref("eks-node-ecr-policy"),
                }));
        }
        program.Variable("kubeconfig", new Map().Add("fn::toJSON", new Map()
            .Add("apiVersion", "v1")
            .Add("kind", "Config")
            .Add("clusters", new List<object> { new Map().Add("name", clusterName).Add("cluster", new Map()
                .Add("server", PulumiProgram.Ref("eks", "endpoint"))
                .Add("certificate-authority-data", PulumiProgram.Ref("eks", "certificateAuthority.data"))) })
            .Add("contexts", new List<object> { new Map().Add("name", clusterName).Add("context", new Map().Add("cluster", clusterName).Add("user", "aws")) })
            .Add("current-context", clusterName)
            .Add("users", new List<object> { new Map().Add("name", "aws").Add("user", new Map().Add("exec", new Map()
                .Add("apiVersion", "client.authentication.k8s.io/v1beta1")
                .Add("command", "aws")
                .Add("args", new List<object> { "eks", "get-token", "--cluster-name", clusterName, "--region", stack.Region ?? "us-east-1" }))) })));
        program.Resource("k8s-provider", "pulumi:providers:kubernetes", new Map().Add("kubeconfig", PulumiProgram.Ref("kubeconfig")).Add("enableServerSideApply", true),
            new Map().Add("version", ProviderVersions.Kubernetes).Add("dependsOn", plan.NodePools.Select(p => (object)PulumiProgram.Ref($"nodes-{p.Name}")).ToList()));
        program.Output("clusterName", PulumiProgram.Ref("eks", "name"));
        program.Output("kubeconfig", new Map().Add("fn::secret", PulumiProgram.Ref("kubeconfig")));
        return "k8s-provider";
    }
}
