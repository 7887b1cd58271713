using System.Buffers;
using MessagePack;

namespace Beacon.Conda.Repodata;

/// <summary>
/// A subdir's CEP-16 shard index, <c>repodata_shards.msgpack.zst</c>: <c>{"version": 1, "info": {"base_url",
/// "shards_base_url", "subdir"}, "shards": {package name: sha256 (32 bytes)}}</c>. Each shard is found at
/// <c>&lt;shards_base_url&gt;&lt;sha256 hex&gt;.msgpack.zst</c>, and its name is the sha256 of its compressed bytes.
/// </summary>
public sealed record ShardIndex(string? Subdir, string BaseUrl, string ShardsBaseUrl, IReadOnlyDictionary<string, string> Shards)
{
    /// <summary>The index's file name in a subdir.</summary>
    public const string FileName = "repodata_shards.msgpack.zst";

    /// <summary>conda-forge's linux-64 index is about 0.6 MB decompressed; this leaves room for a hundred times more.</summary>
    public const long MaxIndexBytes = 64L << 20;

    /// <summary>conda-forge's largest shard (vim) is 2.6 MB decompressed.</summary>
    public const long MaxShardBytes = 64L << 20;

    /// <summary>A shard's file name: its sha256 in lower-case hex, then <c>.msgpack.zst</c>.</summary>
    public static string ShardFileName(string sha256) => sha256 + ".msgpack.zst";

    /// <summary>Reads a compressed index; <paramref name="where"/> names it in errors.</summary>
    public static ShardIndex Read(byte[] compressed, string where)
    {
        var msgpack = RepodataReader.Decompress(compressed, MaxIndexBytes, where);
        var reader = new MessagePackReader(msgpack);
        try
        {
            if (reader.NextMessagePackType != MessagePackType.Map)
            {
                throw new RepodataException($"{where}: a shard index must be a msgpack map");
            }
            string? subdir = null;
            string baseUrl = "", shardsBaseUrl = "";
            Dictionary<string, string>? shards = null;
            var keys = reader.ReadMapHeader();
            for (var k = 0; k < keys; k++)
            {
                var key = Text(ref reader, where, "a key");
                if (key == "info" && reader.NextMessagePackType == MessagePackType.Map)
                {
                    var fields = reader.ReadMapHeader();
                    for (var i = 0; i < fields; i++)
                    {
                        var field = Text(ref reader, where, "a key of info");
                        if (reader.TryReadNil())
                        {
                            continue;
                        }
                        switch (field)
                        {
                            case "subdir": subdir = Text(ref reader, where, "info.subdir"); break;
                            case "base_url": baseUrl = Text(ref reader, where, "info.base_url"); break;
                            case "shards_base_url": shardsBaseUrl = Text(ref reader, where, "info.shards_base_url"); break;
                            default: RepodataReader.SkipBounded(ref reader, 2); break;
                        }
                    }
                }
                else if (key == "shards" && reader.NextMessagePackType == MessagePackType.Map)
                {
                    var count = reader.ReadMapHeader();
                    shards = new Dictionary<string, string>(count, StringComparer.Ordinal);
                    for (var i = 0; i < count; i++)
                    {
                        var name = Text(ref reader, where, "a package name");
                        shards[name] = Hash(ref reader, where, name);
                    }
                }
                else
                {
                    RepodataReader.SkipBounded(ref reader, 1);
                }
            }
            return shards is null
                ? throw new RepodataException($"{where}: the shard index has no 'shards' map")
                : new ShardIndex(subdir, baseUrl, shardsBaseUrl, shards);
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException or OverflowException)
        {
            throw new RepodataException($"{where} is not a valid msgpack shard index near byte {reader.Consumed}: {e.Message}");
        }
    }

    private static string Text(ref MessagePackReader reader, string where, string what) =>
        reader.NextMessagePackType == MessagePackType.String
            ? reader.ReadString()!
            : throw new RepodataException($"{where}: {what} is not text (byte {reader.Consumed})");

    /// <summary>A shard's sha256: 32 raw bytes as CEP-16 says (hex text is accepted too, and must be 64 digits).</summary>
    private static string Hash(ref MessagePackReader reader, string where, string name)
    {
        string hex;
        if (reader.NextMessagePackType == MessagePackType.Binary)
        {
            var bytes = reader.ReadBytes()!.Value;
            hex = bytes.Length == 32 ? Convert.ToHexStringLower(bytes.ToArray()) : "";
        }
        else
        {
            hex = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString()!.ToLowerInvariant() : "";
        }
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit)
            ? hex
            : throw new RepodataException($"{where}: the shard of '{Parsing.Printable.Of(name)}' is not named by a sha256");
    }

    /// <summary>The index as msgpack (before compression), keys in a fixed order and names sorted: the same index, the same bytes.</summary>
    public byte[] ToMessagePack()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(3);
        writer.Write("info");
        writer.WriteMapHeader(Subdir is null ? 2 : 3);
        writer.Write("base_url");
        writer.Write(BaseUrl);
        writer.Write("shards_base_url");
        writer.Write(ShardsBaseUrl);
        if (Subdir is not null)
        {
            writer.Write("subdir");
            writer.Write(Subdir);
        }
        writer.Write("version");
        writer.Write(1);
        writer.Write("shards");
        writer.WriteMapHeader(Shards.Count);
        foreach (var (name, hex) in Shards.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            writer.Write(name);
            writer.Write(Convert.FromHexString(hex));
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
