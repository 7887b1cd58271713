using Beacon.Images.Building;
using Beacon.Images.Naming;
using Beacon.Layers.Documents;

namespace Beacon.Images.Planning;

/// <summary>
/// One layer's image: where it is pushed and how it is built. The reference's tag is the image's identity: the
/// Dockerfile context's hash for the docker builder, <see cref="OciIdentity"/> for the oci builder.
/// </summary>
public sealed record PlannedImage(string Layer, string? Parent, ImageReference Reference, BuildContext Context)
{
    public string Tag => Reference.Tag;
}

/// <summary>A node pool for one hardware profile the stack's workloads need.</summary>
public sealed record PlannedNodePool(string Name, HardwareProfile Profile, int Min, int Max);

/// <summary>Where and how one workload runs.</summary>
public sealed record PlannedWorkload(
    string Name,
    WorkloadKind Kind,
    string Layer,
    ImageReference Image,
    HardwareProfile Hardware,
    IReadOnlyList<string> Command,
    int Replicas,
    string? Schedule,
    IReadOnlyList<int> Ports,
    IReadOnlyDictionary<string, string> Env,
    string Group);

/// <summary>
/// A developer's workspace on a stack: a Jupyter Server in their layer's image on their hardware, with a home volume
/// (<see cref="Storage"/>) and, on a local stack, <see cref="Port"/> on 127.0.0.1. <see cref="Exploratory"/> are the
/// other profiles they may switch to (<c>beacon workspace up --profile</c>).
/// </summary>
public sealed record PlannedWorkspace(string Name, string Layer, ImageReference Image, HardwareProfile Hardware, IReadOnlyList<HardwareProfile> Exploratory,
    string Storage, int Port)
{
    /// <summary>Every workspace lives in this namespace (Kubernetes) / is named workspace-&lt;name&gt; (Compose).</summary>
    public const string Namespace = "workspaces";

    public string ObjectName => $"workspace-{Name}";
}

/// <summary>
/// The cloud-agnostic plan for one stack: images per deployed layer with content-addressed tags and build contexts,
/// the registry, node pools per needed hardware profile, and a placement for every workload. Every cloud target
/// renders the same plan.
/// </summary>
public sealed record Plan(
    StackDocument Stack,
    string Registry,
    bool CreateRegistry,
    IReadOnlyList<PlannedImage> Images,
    IReadOnlyList<PlannedNodePool> NodePools,
    IReadOnlyList<PlannedWorkload> Workloads)
{
    /// <summary>How this stack's images are made (<c>beacon:builder</c>).</summary>
    public ImageBuilderKind Builder => Stack.Builder;

    /// <summary>Where the environment lives in every image of the plan.</summary>
    public string Prefix { get; init; } = LayerDocument.DefaultPrefix;

    public IEnumerable<string> Groups => Workloads.Select(w => w.Group).Distinct().Order(StringComparer.Ordinal);

    /// <summary>Developer workspaces this stack runs (developers/*.yaml).</summary>
    public IReadOnlyList<PlannedWorkspace> Workspaces { get; init; } = [];

    /// <summary>Kubernetes namespaces: the workload groups, and the workspaces' when there are any.</summary>
    public IEnumerable<string> Namespaces => Groups.Concat(Workspaces.Count > 0 ? [PlannedWorkspace.Namespace] : []).Distinct().Order(StringComparer.Ordinal);

    /// <summary>What could not be planned (and was left out); a deployable plan has none.</summary>
    public IReadOnlyList<PlanProblem> Problems { get; init; } = [];
}

/// <summary>One thing left out of a plan, and why ("layer snowflake": "has no valid lock ...").</summary>
public sealed record PlanProblem(string Subject, string Message);
