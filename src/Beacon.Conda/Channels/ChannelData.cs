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

/// <summary>
/// Reads a channel laid out as conda does it: <c>&lt;folder&gt;/&lt;subdir&gt;/repodata.json[.zst]</c>, or a CEP-16
/// shard index <c>&lt;subdir&gt;/repodata_shards.msgpack.zst</c> with its shards (what <c>beacon index</c> writes).
/// </summary>
public static class LocalChannel
{
    /// <summary>Every record of the given subdirs (see <see cref="Open"/>).</summary>
    public static ChannelData Load(string folder, IEnumerable<string> subdirs, string? name = null, string? url = null, RepodataReader? reader = null)
    {
        var source = Open(folder, subdirs, name, url, reader ?? new RepodataReader());
        // Shards of a folder are read synchronously underneath: nothing here waits on the network.
        var records = source.AllAsync().GetAwaiter().GetResult();
        return new ChannelData(source.Name, source.Url, records) { LeftOut = source.LeftOut };
    }

    /// <summary>
    /// Opens the given subdirs of a channel folder, each by its shard index when it has one, else its repodata. A
    /// missing subdir folder is empty (many channels have no noarch or no platform packages); a folder with no
    /// repodata at all is an error.
    /// </summary>
    /// <param name="indexDirectory">
    /// Where <see cref="RepodataIndex"/> files are kept: with one, a plain repodata.json is indexed (once per content) and
    /// read by name; without, it is read whole.
    /// </param>
    public static ChannelSource Open(string folder, IEnumerable<string> subdirs, string? name, string? url, RepodataReader reader, string? indexDirectory = null)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new RepodataException($"channel folder '{folder}' does not exist");
        }
        var channelUrl = url ?? new Uri(full).AbsoluteUri;
        var opened = new List<SubdirRecords>();
        var asked = subdirs.ToList();
        foreach (var subdir in asked)
        {
            var subdirFolder = Path.Combine(full, subdir);
            var indexPath = Path.Combine(subdirFolder, ShardIndex.FileName);
            if (File.Exists(indexPath))
            {
                var indexBytes = ReadBounded(indexPath, ShardIndex.MaxIndexBytes);
                var index = ShardIndex.Read(indexBytes, indexPath);
                var shardsFolder = ShardLocation.Local(subdirFolder, index.ShardsBaseUrl, full, indexPath);
                opened.Add(new ShardedSubdir(subdir, index, Sha256Of(indexBytes), (sha256, _, _) =>
                {
                    var path = Path.Combine(shardsFolder, ShardIndex.ShardFileName(sha256));
                    return Task.FromResult(ShardedSubdir.Verified(ReadBounded(path, ShardIndex.MaxShardBytes), sha256, path));
                }, reader, channelUrl, subdirFolder));
                continue;
            }
            var json = Path.Combine(subdirFolder, "repodata.json");
            var zst = json + ".zst";
            var path = File.Exists(zst) ? zst : File.Exists(json) ? json : null;
            if (path == json && indexDirectory is not null)
            {
                opened.Add(new IndexedSubdir(subdir, RepodataIndex.Open(json, indexDirectory), reader, channelUrl, json));
            }
            else if (path is not null)
            {
                // Read (and hashed) now, parsed when first asked for: a reused result needs only the hash.
                var bytes = ReadBounded(path, RepodataReader.MaxBytes);
                var compressed = path.EndsWith(".zst", StringComparison.Ordinal);
                opened.Add(new WholeSubdir(subdir, Sha256Of(bytes), () =>
                    reader.Read(compressed ? RepodataReader.Decompress(bytes) : bytes, channelUrl, subdir)));
            }
        }
        if (opened.Count == 0)
        {
            throw new RepodataException($"channel folder '{folder}' has no repodata.json for {string.Join(" or ", asked)}");
        }
        return new ChannelSource(name ?? Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)), channelUrl, opened, reader);
    }

    internal static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    private static byte[] ReadBounded(string path, long limit)
    {
        try
        {
            return SafeFile.ReadAllBytes(path, limit);
        }
        catch (SafeFileException e)
        {
            throw new RepodataException(e.Message);
        }
    }
}

/// <summary>Where a shard index's <c>shards_base_url</c> points, resolved against its subdir and kept within bounds.</summary>
public static class ShardLocation
{
    /// <summary>
    /// For an http(s) channel: relative to the subdir's URL (empty: the subdir itself, as conda's test channel has it;
    /// <c>./shards/</c> as rattler-index writes), or an absolute http(s) URL (a CDN). Any other scheme is refused:
    /// shards are checked by hash, but an http channel must not make Beacon read local files.
    /// </summary>
    public static string Remote(string subdirUrl, string shardsBaseUrl, string where)
    {
        var resolved = new Uri(new Uri(subdirUrl), shardsBaseUrl);
        if (resolved.Scheme is not ("http" or "https"))
        {
            throw new RepodataException($"{where}: shards_base_url '{Parsing.Printable.Of(shardsBaseUrl)}' is not an http(s) location");
        }
        var text = resolved.AbsoluteUri;
        return text.EndsWith('/') ? text : text + "/";
    }

    /// <summary>For a folder channel: a relative path that stays inside the channel folder.</summary>
    public static string Local(string subdirFolder, string shardsBaseUrl, string channelFolder, string where)
    {
        if (shardsBaseUrl.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(shardsBaseUrl))
        {
            throw new RepodataException($"{where}: shards_base_url '{Parsing.Printable.Of(shardsBaseUrl)}' must be a path inside the channel folder");
        }
        var resolved = Path.GetFullPath(Path.Combine(subdirFolder, shardsBaseUrl));
        var root = channelFolder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return (resolved + Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal)
            ? resolved
            : throw new RepodataException($"{where}: shards_base_url '{Parsing.Printable.Of(shardsBaseUrl)}' leads outside the channel folder");
    }
}
