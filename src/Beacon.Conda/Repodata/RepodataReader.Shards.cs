using MessagePack;
using Beacon.Conda.Records;

namespace Beacon.Conda.Repodata;

/// <summary>
/// CEP-16 shards: one msgpack map per package name, <c>{"packages": {file: record}, "packages.conda": {file: record},
/// "removed": [...]}</c>, whose records are repodata.json's with <c>sha256</c>/<c>md5</c> as raw bytes (conda-forge) or
/// hex text (conda's test channel). Read through the same checks as repodata.json (<see cref="Complete"/>).
/// </summary>
public sealed partial class RepodataReader
{
    /// <summary>msgpack nesting a shard may have: a map of maps of records of lists (plus room for unknown keys).</summary>
    internal const int MaxShardDepth = 16;

    /// <summary>Reads one decompressed shard; <paramref name="where"/> names it in errors (its URL or path).</summary>
    public IReadOnlyList<PackageRecord> ReadShard(ReadOnlyMemory<byte> msgpack, string channel, string subdir, string where)
    {
        _where = where;
        var reader = new MessagePackReader(msgpack);
        try
        {
            var byStem = new Dictionary<string, PackageRecord>(StringComparer.Ordinal);
            if (reader.NextMessagePackType != MessagePackType.Map)
            {
                throw new RepodataException($"{where}: a shard must be a msgpack map", reader.Consumed);
            }
            var keys = reader.ReadMapHeader();
            for (var k = 0; k < keys; k++)
            {
                var key = ReadKey(ref reader);
                if (key is "packages" or "packages.conda" && !reader.TryReadNil())
                {
                    if (reader.NextMessagePackType != MessagePackType.Map)
                    {
                        throw new RepodataException($"{where}: '{key}' must be a map of file name to record", reader.Consumed);
                    }
                    var files = reader.ReadMapHeader();
                    for (var i = 0; i < files; i++)
                    {
                        var fileName = ReadKey(ref reader);
                        Add(byStem, ReadShardRecord(ref reader, fileName, channel, subdir));
                    }
                }
                else
                {
                    // "removed", CEP-16's "v3" (wheels, not conda packages), anything newer: not used.
                    SkipBounded(ref reader, 1);
                }
            }
            if (!reader.End)
            {
                throw new RepodataException($"{where}: bytes follow the shard's map", reader.Consumed);
            }
            return byStem.Values.ToList();
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException or OverflowException)
        {
            throw new RepodataException($"{where} is not a valid msgpack shard near byte {reader.Consumed}: {e.Message}", reader.Consumed);
        }
    }

    private PackageRecord? ReadShardRecord(ref MessagePackReader reader, string fileName, string channel, string subdir)
    {
        var start = reader.Consumed;
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            throw Error(fileName, "must be a map", start);
        }
        var f = new RecordFields();
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = ReadKey(ref reader);
            if (reader.TryReadNil())
            {
                continue;
            }
            switch (key)
            {
                case "name": f.Name = Intern(ShardText(ref reader, fileName, key)); break;
                case "version": f.Version = Intern(ShardText(ref reader, fileName, key)); break;
                case "build": f.Build = ShardText(ref reader, fileName, key); break;
                case "build_number": f.BuildNumber = ShardInteger(ref reader, fileName, key); break;
                case "depends": f.Depends = ShardStrings(ref reader, fileName, key); break;
                case "constrains": f.Constrains = ShardStrings(ref reader, fileName, key); break;
                case "track_features":
                    f.TrackFeatures = reader.NextMessagePackType == MessagePackType.Array
                        ? ShardStrings(ref reader, fileName, key)
                        : Features(ShardText(ref reader, fileName, key));
                    break;
                case "features": f.Features = Intern(ShardText(ref reader, fileName, key)); break;
                case "subdir": f.Subdir = Intern(ShardText(ref reader, fileName, key)); break;
                case "noarch":
                    f.Noarch = reader.NextMessagePackType == MessagePackType.Boolean
                        ? (reader.ReadBoolean() ? "generic" : null)
                        : Intern(ShardText(ref reader, fileName, key));
                    break;
                case "sha256": f.Sha256 = Checksum(ref reader, fileName, key); break;
                case "md5": f.Md5 = Checksum(ref reader, fileName, key); break;
                case "size": f.Size = ShardInteger(ref reader, fileName, key); break;
                case "timestamp":
                    f.Timestamp = reader.NextMessagePackType switch
                    {
                        MessagePackType.Integer => NormalizeTimestamp(reader.ReadInt64()),
                        MessagePackType.Float => NormalizeTimestamp(reader.ReadDouble()),
                        _ => SkipValue(ref reader),
                    };
                    break;
                case "license": f.License = Intern(ShardText(ref reader, fileName, key)); break;
                default: SkipBounded(ref reader, 2); break;
            }
        }
        return Complete(fileName, f, channel, subdir, start);
    }

    private string[] Features(string text) =>
        text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Intern).ToArray();

    private long? SkipValue(ref MessagePackReader reader)
    {
        SkipBounded(ref reader, 2);
        return null;
    }

    private string ReadKey(ref MessagePackReader reader) =>
        reader.NextMessagePackType == MessagePackType.String
            ? Intern(reader.ReadString()!)
            : throw new RepodataException($"{_where}: a map key is not text", reader.Consumed);

    private string ShardText(ref MessagePackReader reader, string fileName, string field) =>
        reader.NextMessagePackType == MessagePackType.String
            ? reader.ReadString()!
            : throw Error(fileName, $"has a '{field}' that is not text", reader.Consumed);

    private long ShardInteger(ref MessagePackReader reader, string fileName, string field)
    {
        if (reader.NextMessagePackType == MessagePackType.Integer)
        {
            var value = reader.ReadInt64();
            if (value >= 0)
            {
                return value;
            }
        }
        throw Error(fileName, $"has a '{field}' that is not a whole number from 0 to {long.MaxValue}", reader.Consumed);
    }

    private IReadOnlyList<string> ShardStrings(ref MessagePackReader reader, string fileName, string field)
    {
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            throw Error(fileName, $"has a '{field}' that is not a list of text", reader.Consumed);
        }
        var count = reader.ReadArrayHeader();
        if (count == 0)
        {
            return [];
        }
        var values = new string[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = Intern(ShardText(ref reader, fileName, field));
        }
        return values;
    }

    /// <summary>conda-forge's shards carry checksums as raw bytes; hex text is read as repodata.json's is.</summary>
    private string Checksum(ref MessagePackReader reader, string fileName, string field)
    {
        if (reader.NextMessagePackType == MessagePackType.Binary)
        {
            var bytes = reader.ReadBytes()!.Value;
            if (bytes.Length > 64)
            {
                throw Error(fileName, $"has a '{field}' of {bytes.Length} bytes", reader.Consumed);
            }
            Span<byte> copy = stackalloc byte[(int)bytes.Length];
            System.Buffers.BuffersExtensions.CopyTo(bytes, copy);
            return Convert.ToHexStringLower(copy);
        }
        return ShardText(ref reader, fileName, field);
    }

    /// <summary>Skips a value, refusing nesting deeper than <see cref="MaxShardDepth"/> (MessagePackReader.Skip recurses without bound).</summary>
    internal static void SkipBounded(ref MessagePackReader reader, int depth)
    {
        if (depth > MaxShardDepth)
        {
            throw new RepodataException($"msgpack nested deeper than {MaxShardDepth} levels", reader.Consumed);
        }
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Map:
                var entries = reader.ReadMapHeader();
                for (var i = 0L; i < entries * 2L; i++)
                {
                    SkipBounded(ref reader, depth + 1);
                }
                break;
            case MessagePackType.Array:
                var items = reader.ReadArrayHeader();
                for (var i = 0; i < items; i++)
                {
                    SkipBounded(ref reader, depth + 1);
                }
                break;
            default:
                reader.Skip();
                break;
        }
    }
}
