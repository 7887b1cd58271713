using Beacon.Layers.Documents;
using Beacon.Layers.Tree;
using Beacon.Layers.Validation;

namespace Beacon.Layers.Loading;

/// <summary>
/// Everything declared in one repository, validated: the layer tree, workloads, stacks and settings.
/// Paths in documents are repository-relative with '/' separators.
/// </summary>
public sealed record Workspace
{
    public required string Root { get; init; }
    public required RepositorySettings Settings { get; init; }
    public required LayerTree Tree { get; init; }
    public required IReadOnlyList<WorkloadDocument> Workloads { get; init; }
    public required IReadOnlyList<StackDocument> Stacks { get; init; }
    /// <summary>developers/*.yaml: each developer's standard workspace.</summary>
    public IReadOnlyList<DeveloperDocument> Developers { get; init; } = [];
    /// <summary>policy.yaml, when the repository has one.</summary>
    public Policy.PolicyDocument? Policy { get; init; }
    /// <summary>The advisories under advisories/ (OSV JSON), in file order.</summary>
    public IReadOnlyList<Policy.Advisory> Advisories { get; init; } = [];

    /// <summary>Hardware profiles known anywhere: defaults, then beacon.yaml, then each stack's additions.</summary>
    public IReadOnlyDictionary<string, HardwareProfile> HardwareFor(StackDocument? stack)
    {
        var result = new SortedDictionary<string, HardwareProfile>(HardwareProfile.Defaults.ToDictionary(), StringComparer.Ordinal);
        foreach (var (k, v) in Settings.Hardware)
        {
            result[k] = v;
        }
        if (stack is not null)
        {
            foreach (var (k, v) in stack.Hardware)
            {
                result[k] = v;
            }
        }
        return result;
    }

    /// <summary>
    /// The organisation's short name: beacon.yaml's <c>organisation:</c>, else the repository folder's name made a DNS
    /// label (lower case, other characters as '-'), else "beacon".
    /// </summary>
    public string Organisation => Settings.Organisation ?? Names.ToDnsLabel(Path.GetFileName(Root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))) ?? "beacon";

    public StackDocument? Stack(string name) => Stacks.FirstOrDefault(s => s.Name == name);

    public string FullPath(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));
}
