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
