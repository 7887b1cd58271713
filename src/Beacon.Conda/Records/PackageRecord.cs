using Beacon.Conda.Versions;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Conda.Records;

/// <summary>
/// One package build as repodata describes it. Immutable; <see cref="Depends"/> and <see cref="Constrains"/> keep the
/// raw MatchSpec strings (parsed lazily by the solver, which caches them) so loading stays cheap.
/// </summary>
public sealed record PackageRecord
{
    public required string Name { get; init; }
    public required Version Version { get; init; }
    public required string Build { get; init; }
    public long BuildNumber { get; init; }
    public required string Subdir { get; init; }
    /// <summary>The file name in the channel, e.g. <c>numpy-1.26.4-py312h8753938_0.conda</c>.</summary>
    public required string FileName { get; init; }
    /// <summary>The channel this record was read from (its canonical URL or folder URL), without the subdir.</summary>
    public string Channel { get; init; } = string.Empty;
    public IReadOnlyList<string> Depends { get; init; } = [];
    public IReadOnlyList<string> Constrains { get; init; } = [];
    public IReadOnlyList<string> TrackFeatures { get; init; } = [];
    public string? Features { get; init; }
    public string? Noarch { get; init; }
    public string? Sha256 { get; init; }
    public string? Md5 { get; init; }
    public long? Size { get; init; }
    /// <summary>Milliseconds since the Unix epoch (repodata in seconds is converted on load).</summary>
    public long? Timestamp { get; init; }
    public string? License { get; init; }

    /// <summary>Where the package file is downloaded from: channel + subdir + file name.</summary>
    public string Url => Channel.Length == 0 ? FileName : $"{Channel.TrimEnd('/')}/{Subdir}/{FileName}";

    /// <summary><c>name-version-build</c>, conda's distribution string.</summary>
    public string DistString => $"{Name}-{Version.Text}-{Build}";

    public override string ToString() => $"{Name} {Version.Text} {Build}";
}
