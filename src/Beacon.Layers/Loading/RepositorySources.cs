namespace Beacon.Layers.Loading;

/// <summary>
/// The one list of what a repository is read from: <see cref="WorkspaceLoader"/> reads exactly these, and a
/// snapshot of another revision (<see cref="Diff.GitSnapshot"/>, for <c>diff</c> and <c>stacks --affected</c>) copies
/// exactly these — so comparing two revisions never reports a difference that is only a file one side did not read.
/// Locks live in <see cref="Layers"/> beside their layer files.
/// </summary>
public static class RepositorySources
{
    public const string SettingsFile = "beacon.yaml";
    public const string Layers = "layers";
    public const string Workloads = "workloads";
    public const string Developers = "developers";
    public const string Stacks = "stacks";
    public const string Policy = "policy.yaml";
    public const string Advisories = "advisories";

    /// <summary>Every file and folder the loader reads, repository-relative.</summary>
    public static IReadOnlyList<string> All { get; } = [SettingsFile, Layers, Workloads, Developers, Stacks, Policy, Advisories];
}
