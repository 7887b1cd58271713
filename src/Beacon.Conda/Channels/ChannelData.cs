using Beacon.Conda.Records;
using Beacon.Conda.Repodata;

namespace Beacon.Conda.Channels;

/// <summary>
/// The records of one channel for the subdirs that were read (platform + noarch), and the records left out of it
/// (no sha256, or named for another package: never locked), which the commands report as warnings.
/// </summary>
public sealed record ChannelData(string Name, string Url, IReadOnlyList<PackageRecord> Records)
{
    public IReadOnlyList<LeftOutRecord> LeftOut { get; init; } = [];
}

/// <summary>Reads a channel laid out as conda does it: <c>&lt;folder&gt;/&lt;subdir&gt;/repodata.json[.zst]</c>.</summary>
public static class LocalChannel
{
    /// <summary>
    /// Loads the given subdirs of a channel folder. A missing subdir folder is empty (many channels have no
    /// noarch or no platform packages); a folder with no repodata at all is an error.
    /// </summary>
    public static ChannelData Load(string folder, IEnumerable<string> subdirs, string? name = null, string? url = null, RepodataReader? reader = null)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new RepodataException($"channel folder '{folder}' does not exist");
        }
        reader ??= new RepodataReader();
        var channelUrl = url ?? new Uri(full).AbsoluteUri;
        var records = new List<PackageRecord>();
        var found = false;
        foreach (var subdir in subdirs)
        {
            var json = Path.Combine(full, subdir, "repodata.json");
            var zst = json + ".zst";
            var path = File.Exists(zst) ? zst : File.Exists(json) ? json : null;
            if (path is null)
            {
                continue;
            }
            found = true;
            records.AddRange(reader.ReadFile(path, channelUrl, subdir));
        }
        if (!found)
        {
            throw new RepodataException($"channel folder '{folder}' has no repodata.json for {string.Join(" or ", subdirs)}");
        }
        return new ChannelData(name ?? Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)), channelUrl, records) { LeftOut = reader.LeftOut };
    }
}
