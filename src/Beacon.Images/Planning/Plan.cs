using Beacon.Conda.Specs;
using Beacon.Images.Building;
using Beacon.Images.Naming;
using Beacon.Layers.Documents;

namespace Beacon.Images.Planning;

/// <summary>
/// One layer's image: where it is pushed and its one recipe. The reference's tag is the recipe's (the Dockerfile
/// context's hash for the docker builder, <see cref="OciIdentity"/> for the oci builder): one identity per image.
/// </summary>
public sealed record PlannedImage
{
    public PlannedImage(string layer, string? parent, ImageReference reference, ImageRecipe recipe)
    {
        if (reference.Tag != recipe.Tag)
        {
            throw new ArgumentException($"image of '{layer}': the reference's tag {reference.Tag} is not its recipe's {recipe.Tag}", nameof(reference));
        }
        (Layer, Parent, Reference, Recipe) = (layer, parent, reference, recipe);
    }

    public string Layer { get; }
    public string? Parent { get; }
    public ImageReference Reference { get; }
    public ImageRecipe Recipe { get; }

    /// <summary>The Dockerfile context of a docker-builder image; an oci recipe has none (a defect to ask for it).</summary>
    public BuildContext Dockerfile => Recipe is DockerfileRecipe d
        ? d.Context
        : throw new InvalidOperationException($"the image of '{Layer}' has an oci recipe: it is made by the oci builder, not from a Dockerfile");

    public string Tag => Reference.Tag;

    /// <summary>The conda subdir of the layer's root (linux-64, linux-aarch64, ...).</summary>
    public string Platform { get; init; } = Subdirs.Linux64;

    /// <summary>Where the environment lives in the image: its root's prefix.</summary>
    public string Prefix { get; init; } = LayerDocument.DefaultPrefix;

    /// <summary>The OCI platform an engine builds and runs it for (linux/amd64, linux/arm64, ...).</summary>
    public string OciPlatform => Platforms.Oci(Platform);
}

/// <summary>conda subdirs as OCI platforms (what `docker build --platform` and image indexes say).</summary>
public static class Platforms
{
    public static string Oci(string subdir) => subdir switch
    {
        Subdirs.Linux64 => "linux/amd64",
        Subdirs.LinuxAarch64 => "linux/arm64",
        "linux-ppc64le" => "linux/ppc64le",
        "linux-s390x" => "linux/s390x",
        "linux-armv7l" => "linux/arm/v7",
        "linux-32" => "linux/386",
        _ => throw new ArgumentException($"conda subdir '{subdir}' has no Linux container platform", nameof(subdir)),
    };

    /// <summary>Kubernetes' kubernetes.io/arch value of a subdir.</summary>
    public static string Architecture(string subdir) => Oci(subdir).Split('/')[1];
}

/// <summary>
/// A node pool for one hardware profile on one platform the stack's workloads need: named after the profile
/// (<c>cpu</c>), with the architecture for other platforms than linux-64 (<c>cpu-arm64</c>); its nodes carry that name
/// in the <c>beacon.io/hardware</c> label.
/// </summary>
public sealed record PlannedNodePool(string Name, HardwareProfile Profile, int Min, int Max)
{
    public string Platform { get; init; } = Subdirs.Linux64;

    public static string NameFor(string profile, string platform) =>
        platform == Subdirs.Linux64 ? profile : $"{profile}-{Platforms.Architecture(platform).Replace('/', '-')}";
}

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
    string Group)
{
    /// <summary>The conda subdir of its layer (linux-64, linux-aarch64, ...).</summary>
    public string Platform { get; init; } = Subdirs.Linux64;

    /// <summary>The node pool it runs on (<see cref="PlannedNodePool.NameFor"/>).</summary>
    public string Pool => PlannedNodePool.NameFor(Hardware.Name, Platform);
}

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

    /// <summary>The conda subdir of the workspace's layer.</summary>
    public string Platform { get; init; } = Subdirs.Linux64;

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
