using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using MessagePack;

namespace Beacon.Conda.Repodata;

/// <summary>What <see cref="ShardWriter.IndexChannel"/> wrote for one subdir.</summary>
public sealed record ShardWriteResult(string Subdir, int Records, int Names, int ShardsWritten, long ShardBytes, long IndexBytes);

/// <summary>
/// Writes CEP-16 shards for a channel folder from its repodata.json(.zst), as rattler-index does for a mirror:
/// <c>&lt;subdir&gt;/repodata_shards.msgpack.zst</c> (<c>shards_base_url: ./shards/</c>, <c>base_url</c> empty: the
/// packages stay beside the repodata) and one <c>&lt;subdir&gt;/shards/&lt;sha256&gt;.msgpack.zst</c> per package name,
/// holding that name's records of <c>packages</c> and <c>packages.conda</c> with every field repodata.json has
/// (<c>sha256</c>/<c>md5</c> as raw bytes, as conda-forge serves them). The same repodata gives the same bytes.
/// Shards are content-addressed and written before the index (atomically), so a reader never sees an index naming a
/// shard that is not there; shards no index names any more are left for the operator to prune.
/// </summary>
public static class ShardWriter
{
    /// <summary>zstd level of shards and index (conda-forge's index compresses poorly anyway: it is mostly hashes).</summary>
    public const int CompressionLevel = 16;

    public const string ShardsFolder = "shards";

    /// <summary>Indexes every subdir folder of the channel that has a repodata.json(.zst), in name order.</summary>
    /// <param name="policy">How the records are checked first (default <see cref="RepodataPolicy.Explore"/>: safe, with or without sha256).</param>
    public static IReadOnlyList<ShardWriteResult> IndexChannel(string channelFolder, RepodataPolicy? policy = null)
    {
        var full = Path.GetFullPath(channelFolder);
        if (!Directory.Exists(full))
        {
            throw new RepodataException($"channel folder '{channelFolder}' does not exist");
        }
        var written = new List<ShardWriteResult>();
        foreach (var folder in Directory.GetDirectories(full).Order(StringComparer.Ordinal))
        {
            var json = Path.Combine(folder, "repodata.json");
            var path = File.Exists(json + ".zst") ? json + ".zst" : File.Exists(json) ? json : null;
            if (path is not null && (File.GetAttributes(folder) & FileAttributes.ReparsePoint) == 0)
            {
                written.Add(IndexSubdir(folder, path, policy ?? RepodataPolicy.Explore));
            }
        }
        return written.Count > 0 ? written : throw new RepodataException($"channel folder '{channelFolder}' has no subdir with a repodata.json");
    }

    private static ShardWriteResult IndexSubdir(string folder, string repodataPath, RepodataPolicy policy)
    {
        var subdir = Path.GetFileName(folder);
        byte[] bytes;
        try
        {
            bytes = SafeFile.ReadAllBytes(repodataPath, RepodataReader.MaxBytes);
        }
        catch (SafeFileException e)
        {
            throw new RepodataException(e.Message);
        }
        var json = repodataPath.EndsWith(".zst", StringComparison.Ordinal) ? RepodataReader.Decompress(bytes) : bytes;
        // The records must be ones Beacon reads (safe file names, this subdir, hex checksums) before they are copied.
        var checkedRecords = new RepodataReader(policy).Read(json, new Uri(Path.GetDirectoryName(folder)!).AbsoluteUri, subdir);

        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip });
        var byName = new SortedDictionary<string, (List<JsonProperty> Tar, List<JsonProperty> Conda)>(StringComparer.Ordinal);
        var records = 0;
        foreach (var section in new[] { "packages", "packages.conda" })
        {
            if (!document.RootElement.TryGetProperty(section, out var packages) || packages.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            foreach (var file in packages.EnumerateObject())
            {
                var name = file.Value.GetProperty("name").GetString()!;
                if (!byName.TryGetValue(name, out var lists))
                {
                    byName[name] = lists = ([], []);
                }
                (section == "packages" ? lists.Tar : lists.Conda).Add(file);
                records++;
            }
        }
        if (byName.Count == 0 && checkedRecords.Count > 0)
        {
            throw new RepodataException($"{repodataPath}: conda's flat test format has no 'packages' to shard");
        }

        var shardsFolder = Path.Combine(folder, ShardsFolder);
        Directory.CreateDirectory(shardsFolder);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        int shardsWritten = 0;
        long shardBytes = 0;
        using var compressor = new ZstdSharp.Compressor(CompressionLevel);
        foreach (var (name, (tar, conda)) in byName)
        {
            var compressed = compressor.Wrap(Shard(tar, conda)).ToArray();
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(compressed));
            hashes[name] = sha256;
            shardBytes += compressed.Length;
            var shardPath = Path.Combine(shardsFolder, ShardIndex.ShardFileName(sha256));
            if (!File.Exists(shardPath))
            {
                AtomicFile.WriteAllBytes(shardPath, compressed);
                shardsWritten++;
            }
        }
        var index = compressor.Wrap(new ShardIndex(subdir, "", "./" + ShardsFolder + "/", hashes).ToMessagePack()).ToArray();
        AtomicFile.WriteAllBytes(Path.Combine(folder, ShardIndex.FileName), index);
        return new ShardWriteResult(subdir, records, byName.Count, shardsWritten, shardBytes, index.Length);
    }

    private static byte[] Shard(List<JsonProperty> tar, List<JsonProperty> conda)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(2);
        foreach (var (section, files) in new[] { ("packages", tar), ("packages.conda", conda) })
        {
            writer.Write(section);
            writer.WriteMapHeader(files.Count);
            foreach (var file in files)
            {
                writer.Write(file.Name);
                Write(ref writer, file.Value, null);
            }
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(ref MessagePackWriter writer, JsonElement value, string? key)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                // A null-valued key is left out: conda reads null and absent alike (no depends, no licence), while typed
                // readers of shards take absent as the default and refuse null (rattler: "invalid type: null, expected a
                // sequence" for conda-forge-numpy-2024-02's "depends": null), so a mirror Beacon indexes serves them too.
                var present = value.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).ToList();
                writer.WriteMapHeader(present.Count);
                foreach (var property in present)
                {
                    writer.Write(property.Name);
                    Write(ref writer, property.Value, property.Name);
                }
                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    Write(ref writer, item, null);
                }
                break;
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (key is "sha256" or "md5" && text.Length == (key == "sha256" ? 64 : 32) && text.All(char.IsAsciiHexDigit))
                {
                    writer.Write(Convert.FromHexString(text));
                }
                else
                {
                    writer.Write(text);
                }
                break;
            case JsonValueKind.Number:
                if (value.TryGetInt64(out var whole))
                {
                    writer.Write(whole);
                }
                else
                {
                    writer.Write(value.GetDouble());
                }
                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }
}
