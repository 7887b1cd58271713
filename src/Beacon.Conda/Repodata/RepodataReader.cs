using System.Text;
using System.Text.Json;
using Beacon.Conda.Records;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Conda.Repodata;

/// <summary>Why repodata could not be read (not valid JSON, a record without a name...), with the byte offset.</summary>
public sealed class RepodataException(string message, long offset = -1) : Exception(message)
{
    public long Offset { get; } = offset;
}

/// <summary>
/// A single-pass <see cref="Utf8JsonReader"/> over conda's <c>repodata.json</c> (<c>packages</c> and
/// <c>packages.conda</c>; the <c>.conda</c> copy of a file wins) and over conda's flat test format
/// (<c>{"file name": record}</c>). Versions and repeated strings are interned, so loading is allocation-light.
/// </summary>
public sealed class RepodataReader
{
    private static readonly string[] MetadataKeys = ["info", "removed", "repodata_version", "signatures", "metadata"];

    private readonly Dictionary<string, Version> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly List<string> _scratch = new(16);

    /// <summary>Reads a whole repodata document; <paramref name="channel"/> is the channel URL the records belong to.</summary>
    public IReadOnlyList<PackageRecord> Read(ReadOnlySpan<byte> utf8Json, string channel, string? subdirHint = null)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            return ReadDocument(ref reader, channel, subdirHint);
        }
        catch (JsonException e)
        {
            throw new RepodataException($"repodata is not valid JSON: {e.Message}", reader.BytesConsumed);
        }
    }

    private List<PackageRecord> ReadDocument(ref Utf8JsonReader reader, string channel, string? subdirHint)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new RepodataException("repodata must be a JSON object", reader.TokenStartIndex);
        }
        // Keyed by file name without extension so that "x.conda" replaces "x.tar.bz2" whatever the order.
        var byStem = new Dictionary<string, PackageRecord>(StringComparer.Ordinal);
        string? infoSubdir = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (key is "packages" or "packages.conda")
            {
                ReadPackages(ref reader, channel, subdirHint, byStem);
            }
            else if (key == "info" && reader.TokenType == JsonTokenType.StartObject)
            {
                infoSubdir = ReadInfoSubdir(ref reader);
            }
            else if (MetadataKeys.Contains(key) || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
            }
            else
            {
                // conda's flat test format: the top-level keys are file names.
                Add(byStem, ReadRecord(ref reader, key, channel, subdirHint));
            }
        }
        var records = byStem.Values.ToList();
        if (infoSubdir is not null)
        {
            for (var i = 0; i < records.Count; i++)
            {
                if (records[i].Subdir.Length == 0)
                {
                    records[i] = records[i] with { Subdir = infoSubdir };
                }
            }
        }
        // Records keep the document's order (deterministic for the same bytes); the solver sorts candidates itself.
        return records;
    }

    private static string? ReadInfoSubdir(ref Utf8JsonReader reader)
    {
        string? subdir = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString();
            reader.Read();
            if (key == "subdir" && reader.TokenType == JsonTokenType.String)
            {
                subdir = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }
        return subdir;
    }

    private void ReadPackages(ref Utf8JsonReader reader, string channel, string? subdirHint, Dictionary<string, PackageRecord> byStem)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new RepodataException("'packages' must be an object of file name to record", reader.TokenStartIndex);
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var fileName = reader.GetString()!;
            reader.Read();
            Add(byStem, ReadRecord(ref reader, fileName, channel, subdirHint));
        }
    }

    private static void Add(Dictionary<string, PackageRecord> byStem, PackageRecord record)
    {
        var stem = Stem(record.FileName);
        if (byStem.TryGetValue(stem, out var existing) && existing.FileName.EndsWith(".conda", StringComparison.Ordinal)
            && !record.FileName.EndsWith(".conda", StringComparison.Ordinal))
        {
            return;
        }
        byStem[stem] = record;
    }

    private static string Stem(string fileName) =>
        fileName.EndsWith(".conda", StringComparison.Ordinal) ? fileName[..^6]
        : fileName.EndsWith(".tar.bz2", StringComparison.Ordinal) ? fileName[..^8]
        : fileName;

    private PackageRecord ReadRecord(ref Utf8JsonReader reader, string fileName, string channel, string? subdirHint)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new RepodataException($"record '{fileName}' must be an object", reader.TokenStartIndex);
        }
        var start = reader.TokenStartIndex;
        string? name = null, version = null, build = null, subdir = null, noarch = null, sha256 = null, md5 = null, license = null, features = null;
        long buildNumber = 0;
        long? size = null, timestamp = null;
        IReadOnlyList<string> depends = [], constrains = [], trackFeatures = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.ValueSpan;
            reader.Read();
            if (key.SequenceEqual("name"u8)) name = Intern(ref reader);
            else if (key.SequenceEqual("version"u8)) version = Intern(ref reader);
            else if (key.SequenceEqual("build"u8)) build = reader.GetString(); // mostly unique: not worth interning
            else if (key.SequenceEqual("build_number"u8)) buildNumber = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0;
            else if (key.SequenceEqual("depends"u8)) depends = ReadStringArray(ref reader);
            else if (key.SequenceEqual("constrains"u8)) constrains = ReadStringArray(ref reader);
            else if (key.SequenceEqual("track_features"u8)) trackFeatures = ReadFeatures(ref reader);
            else if (key.SequenceEqual("features"u8)) features = reader.TokenType == JsonTokenType.String ? Intern(ref reader) : SkipNull(ref reader);
            else if (key.SequenceEqual("subdir"u8)) subdir = Intern(ref reader);
            else if (key.SequenceEqual("noarch"u8)) noarch = ReadNoarch(ref reader);
            else if (key.SequenceEqual("sha256"u8)) sha256 = reader.TokenType == JsonTokenType.String ? reader.GetString() : SkipNull(ref reader);
            else if (key.SequenceEqual("md5"u8)) md5 = reader.TokenType == JsonTokenType.String ? reader.GetString() : SkipNull(ref reader);
            else if (key.SequenceEqual("size"u8)) size = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : null;
            else if (key.SequenceEqual("timestamp"u8)) timestamp = reader.TokenType == JsonTokenType.Number ? NormalizeTimestamp(reader.GetDouble()) : null;
            else if (key.SequenceEqual("license"u8)) license = reader.TokenType == JsonTokenType.String ? Intern(ref reader) : SkipNull(ref reader);
            else reader.Skip(); // "requires" (legacy), "fn", "url", "channel", "arch", "platform", ...: not used
        }
        if (name is null || version is null || build is null)
        {
            throw new RepodataException($"record '{fileName}' lacks {(name is null ? "name" : version is null ? "version" : "build")}", start);
        }
        return new PackageRecord
        {
            Name = name,
            Version = ParseVersion(version, fileName, start),
            Build = build,
            BuildNumber = buildNumber,
            Subdir = subdir ?? subdirHint ?? string.Empty,
            FileName = fileName,
            Channel = channel,
            Depends = depends,
            Constrains = constrains,
            TrackFeatures = trackFeatures,
            Features = string.IsNullOrWhiteSpace(features) ? null : features,
            Noarch = noarch,
            Sha256 = sha256,
            Md5 = md5,
            Size = size,
            Timestamp = timestamp,
            License = license,
        };
    }

    /// <summary>repodata timestamps are milliseconds; values up to year 9999 in seconds are old-style seconds.</summary>
    private static long NormalizeTimestamp(double value)
    {
        var t = (long)value;
        return t <= 253402300799L ? t * 1000 : t;
    }

    private Version ParseVersion(string text, string fileName, long offset)
    {
        if (_versions.TryGetValue(text, out var v))
        {
            return v;
        }
        var parsed = Version.TryParse(text);
        if (!parsed.Success)
        {
            throw new RepodataException($"record '{fileName}' has an invalid version '{text}': {parsed.Error.Message}", offset);
        }
        _versions[text] = parsed.Value;
        return parsed.Value;
    }

    private string? SkipNull(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }

    private string Intern(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            // Some old repodata has numbers where strings belong (e.g. "version": 1.0); keep their text.
            if (reader.TokenType == JsonTokenType.Number)
            {
                return Intern(Encoding.UTF8.GetString(reader.ValueSpan));
            }
            throw new RepodataException($"expected a string, found {reader.TokenType}", reader.TokenStartIndex);
        }
        if (!reader.ValueIsEscaped && reader.ValueSpan.Length <= 256)
        {
            // Look up without allocating a new string for the (very common) repeated values.
            var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
            Span<char> chars = stackalloc char[reader.ValueSpan.Length];
            var n = Encoding.UTF8.GetChars(reader.ValueSpan, chars);
            if (lookup.TryGetValue(chars[..n], out var existing))
            {
                return existing;
            }
            var s = new string(chars[..n]);
            _strings[s] = s;
            return s;
        }
        return Intern(reader.GetString()!);
    }

    private string Intern(string s)
    {
        if (_strings.TryGetValue(s, out var existing))
        {
            return existing;
        }
        _strings[s] = s;
        return s;
    }

    private IReadOnlyList<string> ReadStringArray(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new RepodataException("expected a list of strings", reader.TokenStartIndex);
        }
        _scratch.Clear();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            _scratch.Add(Intern(ref reader));
        }
        return _scratch.Count == 0 ? [] : _scratch.ToArray();
    }

    /// <summary><c>track_features</c> is a space- or comma-separated string (or, rarely, a list).</summary>
    private IReadOnlyList<string> ReadFeatures(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            return ReadStringArray(ref reader);
        }
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return [];
        }
        var text = reader.GetString()!;
        if (text.Length == 0)
        {
            return [];
        }
        return text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Intern).ToArray();
    }

    private string? ReadNoarch(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => Intern(ref reader),
        JsonTokenType.True => "generic", // very old repodata: "noarch": true
        _ => SkipNull(ref reader),
    };

    /// <summary>Reads a file: <c>.json</c>, or <c>.json.zst</c> (zstd-compressed).</summary>
    public IReadOnlyList<PackageRecord> ReadFile(string path, string channel, string? subdirHint = null)
    {
        var bytes = File.ReadAllBytes(path);
        return path.EndsWith(".zst", StringComparison.Ordinal)
            ? Read(Decompress(bytes), channel, subdirHint)
            : Read(bytes, channel, subdirHint);
    }

    public static byte[] Decompress(byte[] zstd)
    {
        try
        {
            using var input = new MemoryStream(zstd);
            using var stream = new ZstdSharp.DecompressionStream(input);
            using var output = new MemoryStream(zstd.Length * 8);
            stream.CopyTo(output);
            return output.ToArray();
        }
        catch (ZstdSharp.ZstdException e)
        {
            throw new RepodataException($"repodata.json.zst is not valid zstd data: {e.Message}");
        }
    }
}
