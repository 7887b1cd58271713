using Beacon.Layers.Diagnostics;

namespace Beacon.Layers.Documents;

public enum CloudTarget
{
    Local,
    Kubernetes,
    Aws,
    Gcp,
    Azure,
}

public static class CloudTargets
{
    public static readonly IReadOnlyList<string> Names = ["local", "kubernetes", "aws", "gcp", "azure"];

    public static bool TryParse(string text, out CloudTarget target)
    {
        var index = Names.ToList().IndexOf(text);
        target = index < 0 ? default : (CloudTarget)index;
        return index >= 0;
    }

    public static string ToText(this CloudTarget target) => Names[(int)target];
}

/// <summary>How a stack's images are made (<c>beacon:builder</c>).</summary>
public enum ImageBuilderKind
{
    /// <summary>A Dockerfile per layer, built on a Docker engine (micromamba in the base image installs the lock).</summary>
    Docker,
    /// <summary>Beacon installs each layer's packages itself and pushes the layers to the registry by digest, no daemon.</summary>
    Oci,
}

public static class ImageBuilderKinds
{
    public static readonly IReadOnlyList<string> Names = ["docker", "oci"];

    public static string ToText(this ImageBuilderKind kind) => Names[(int)kind];

    public static bool TryParse(string text, out ImageBuilderKind kind)
    {
        var index = Names.ToList().IndexOf(text);
        kind = index < 0 ? default : (ImageBuilderKind)index;
        return index >= 0;
    }
}

/// <summary>Min/max node counts of one hardware profile's node pool.</summary>
public sealed record NodePoolSize(int Min, int Max);

/// <summary>How the stack gets its Kubernetes cluster: created by Beacon, or an existing one via a kubeconfig.</summary>
public sealed record ClusterSetting(bool Create, string? Kubeconfig, string? Context, string? Name);

/// <summary>
/// <c>stacks/Pulumi.&lt;stack&gt;.yaml</c>: ordinary Pulumi stack settings. Beacon reads the <c>beacon:*</c> keys and
/// the cloud's region key; everything else belongs to Pulumi and the providers.
/// </summary>
public sealed record StackDocument
{
    public required string Name { get; init; }
    public required string File { get; init; }
    public required CloudTarget Cloud { get; init; }
    public string? Registry { get; init; }
    public ImageBuilderKind Builder { get; init; } = ImageBuilderKind.Docker;
    /// <summary>The platforms (conda subdirs) whose layers this stack deploys; null: every root's.</summary>
    public IReadOnlyList<string>? Platforms { get; init; }
    public IReadOnlyList<Stage> Stages { get; init; } = [Stage.Production];
    public ClusterSetting Cluster { get; init; } = new(true, null, null, null);
    public string? Region { get; init; }
    public IReadOnlyDictionary<string, NodePoolSize> NodePools { get; init; } = new SortedDictionary<string, NodePoolSize>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, HardwareProfile> Hardware { get; init; } = new SortedDictionary<string, HardwareProfile>(StringComparer.Ordinal);
    public string? Namespace { get; init; }
    /// <summary>aws: the subnets of the EKS cluster and its node groups.</summary>
    public IReadOnlyList<string> SubnetIds { get; init; } = [];
    public SourceLocation Location => new(File);
}
