namespace Beacon.Layers.Documents;

/// <summary>
/// <c>beacon.yaml</c> at the repository root: settings shared by every layer. <see cref="ChannelMirrors"/> maps a
/// channel name used in layers (conda-forge) to where it is really fetched from (a URL, a mirror, or a folder).
/// </summary>
public sealed record RepositorySettings
{
    public IReadOnlyDictionary<string, string> ChannelMirrors { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, HardwareProfile> Hardware { get; init; } = new SortedDictionary<string, HardwareProfile>(StringComparer.Ordinal);
    /// <summary>The most a developer workspace may ask for (<c>developers:</c>).</summary>
    public DeveloperLimits DeveloperLimits { get; init; } = DeveloperLimits.None;
    /// <summary>
    /// <c>organisation:</c>, a DNS label that names what belongs to this repository outside it (Jupyter kernelspecs
    /// on a laptop); null: the repository folder's name stands in (<see cref="Loading.Workspace.Organisation"/>).
    /// </summary>
    public string? Organisation { get; init; }
    public static RepositorySettings Empty { get; } = new();
}
