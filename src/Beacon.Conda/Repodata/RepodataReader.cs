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

/// <summary>How strictly records are checked while reading.</summary>
public sealed record RepodataPolicy
{
    /// <summary>
    /// Channels Beacon locks from: a record whose file name is not a plain <c>name-version-build</c> with a conda
    /// extension (a path, a control character), whose subdir is not the one being read, or whose checksum is not hex
    /// is an error — it is unsafe, and the channel is not one Beacon can trust. A record whose file name is well formed
    /// but names another package than its fields say (old channels and conda's own test channel have them) is left
    /// out, as is a record without a sha256 (it could never be verified); both are counted in
    /// <see cref="RepodataReader.LeftOut"/>.
    /// </summary>
    public static readonly RepodataPolicy Channel = new() { Strict = true };

    /// <summary>
    /// A one-off <c>beacon solve</c>: as <see cref="Channel"/>, but records without a sha256 are kept (a solve locks
    /// nothing; <c>beacon lock</c> and the gate still read with <see cref="Channel"/> and never use them).
    /// </summary>
    public static readonly RepodataPolicy Explore = new() { Strict = true, KeepWithoutSha256 = true };

    /// <summary>conda's own test data (flat dicts of records without checksums): read as written.</summary>
    public static readonly RepodataPolicy TestData = new() { Strict = false };

    public bool Strict { get; init; }

    public bool KeepWithoutSha256 { get; init; }
}

/// <summary>Why a record was left out of a channel.</summary>
public enum LeftOutReason
{
    /// <summary>No sha256: it could never be verified, so it is never locked.</summary>
    NoSha256,
    /// <summary>Its file name names another package than its name, version and build fields.</summary>
    NamedForAnotherPackage,
}

/// <summary>A record left out of a channel: "subdir/file name", why, and the detail (the fields it disagrees with).</summary>
public sealed record LeftOutRecord(string Subdir, string FileName, LeftOutReason Reason, string Detail)
{
    public string Path => $"{Subdir}/{FileName}";

    /// <summary>The warnings for a channel's left-out records: one line per reason, naming up to a few records.</summary>
    public static IEnumerable<string> Warnings(string channel, IReadOnlyList<LeftOutRecord> leftOut, int named = 3) =>
        leftOut.GroupBy(r => r.Reason).OrderBy(g => g.Key).Select(g =>
        {
            var names = string.Join(", ", g.Take(named).Select(r => r.Detail.Length == 0 ? r.Path : $"{r.Path} ({r.Detail})"));
            var more = g.Count() > named ? $" and {g.Count() - named} more" : "";
            var why = g.Key == LeftOutReason.NoSha256 ? "without a sha256 (they could never be verified)" : "named for another package than their fields say";
            return $"channel '{channel}': {Parsing.Plural.Of(g.Count(), "record")} {why} left out: {names}{more}";
        });
}

/// <summary>
/// A single-pass <see cref="Utf8JsonReader"/> over conda's <c>repodata.json</c> (<c>packages</c> and
/// <c>packages.conda</c>; the <c>.conda</c> copy of a file wins) and over conda's flat test format
/// (<c>{"file name": record}</c>). Versions and repeated strings are interned, so loading is allocation-light. Every
/// problem is a <see cref="RepodataException"/> naming the channel, subdir and record: never another exception.
/// </summary>
public sealed partial class RepodataReader(RepodataPolicy? policy = null)
{
    /// <summary>The most a repodata document may be once decompressed (conda-forge's linux-64 is about a quarter of it).</summary>
    public const long MaxBytes = 1L << 30;

    private static readonly string[] MetadataKeys = ["info", "removed", "repodata_version", "signatures", "metadata"];

    private readonly RepodataPolicy _policy = policy ?? RepodataPolicy.Channel;
    private readonly Dictionary<string, Version> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly List<string> _scratch = new(16);
    private string _where = "repodata";

    /// <summary>Records left out (strict policy), in document order.</summary>
    public List<LeftOutRecord> LeftOut { get; } = [];

    /// <summary>Reads a whole repodata document; <paramref name="channel"/> is the channel URL the records belong to.</summary>
    public IReadOnlyList<PackageRecord> Read(ReadOnlySpan<byte> utf8Json, string channel, string? subdirHint = null)
    {
        _where = subdirHint is null ? $"{channel} repodata" : $"{channel.TrimEnd('/')}/{subdirHint}/repodata.json";
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
        try
        {
            return ReadDocument(ref reader, channel, subdirHint);
        }
        catch (JsonException e)
        {
            throw new RepodataException($"{_where} is not valid JSON: {e.Message}", reader.BytesConsumed);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            // Utf8JsonReader's own failures on malformed text (bad UTF-8, a token of the wrong type read as another).
            throw new RepodataException($"{_where} is not valid repodata near byte {reader.TokenStartIndex}: {e.Message}", reader.TokenStartIndex);
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
                if (_policy.Strict && infoSubdir is not null && subdirHint is not null && infoSubdir != subdirHint)
                {
                    throw new RepodataException($"{_where} says it is the repodata of subdir '{Parsing.Printable.Of(infoSubdir)}'", reader.TokenStartIndex);
                }
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

    /// <summary>One record's JSON object (a slice of a document, see <see cref="RepodataIndex"/>), read and kept as a whole read keeps it.</summary>
    internal void AddRecord(Dictionary<string, PackageRecord> byStem, ReadOnlySpan<byte> recordJson, string fileName, string channel, string subdir)
    {
        _where = $"{channel.TrimEnd('/')}/{subdir}/repodata.json";
        var reader = new Utf8JsonReader(recordJson, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
        try
        {
            reader.Read();
            Add(byStem, ReadRecord(ref reader, fileName, channel, subdir));
        }
        catch (JsonException e)
        {
            throw new RepodataException($"{_where}: record '{Parsing.Printable.Of(fileName)}' is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw new RepodataException($"{_where}: record '{Parsing.Printable.Of(fileName)}' is not valid repodata: {e.Message}");
        }
    }

    private static void Add(Dictionary<string, PackageRecord> byStem, PackageRecord? record)
    {
        if (record is null)
        {
            return;
        }
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

    private PackageRecord? ReadRecord(ref Utf8JsonReader reader, string fileName, string channel, string? subdirHint)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error(fileName, "must be an object", reader.TokenStartIndex);
        }
        var start = reader.TokenStartIndex;
        var f = new RecordFields();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.ValueSpan;
            reader.Read();
            if (key.SequenceEqual("name"u8)) f.Name = Intern(ref reader, fileName, "name");
            else if (key.SequenceEqual("version"u8)) f.Version = Intern(ref reader, fileName, "version");
            else if (key.SequenceEqual("build"u8)) f.Build = Text(ref reader, fileName, "build"); // mostly unique: not worth interning
            else if (key.SequenceEqual("build_number"u8)) f.BuildNumber = Integer(ref reader, fileName, "build_number") ?? 0;
            else if (key.SequenceEqual("depends"u8)) f.Depends = ReadStringArray(ref reader, fileName, "depends");
            else if (key.SequenceEqual("constrains"u8)) f.Constrains = ReadStringArray(ref reader, fileName, "constrains");
            else if (key.SequenceEqual("track_features"u8)) f.TrackFeatures = ReadFeatures(ref reader, fileName);
            else if (key.SequenceEqual("features"u8)) f.Features = reader.TokenType == JsonTokenType.String ? Intern(ref reader, fileName, "features") : SkipNull(ref reader);
            else if (key.SequenceEqual("subdir"u8)) f.Subdir = reader.TokenType == JsonTokenType.Null ? SkipNull(ref reader) : Intern(ref reader, fileName, "subdir");
            else if (key.SequenceEqual("noarch"u8)) f.Noarch = ReadNoarch(ref reader, fileName);
            else if (key.SequenceEqual("sha256"u8)) f.Sha256 = reader.TokenType == JsonTokenType.Null ? SkipNull(ref reader) : Text(ref reader, fileName, "sha256");
            else if (key.SequenceEqual("md5"u8)) f.Md5 = reader.TokenType == JsonTokenType.Null ? SkipNull(ref reader) : Text(ref reader, fileName, "md5");
            else if (key.SequenceEqual("size"u8)) f.Size = Integer(ref reader, fileName, "size");
            else if (key.SequenceEqual("timestamp"u8)) f.Timestamp = reader.TokenType == JsonTokenType.Number ? NormalizeTimestamp(reader.GetDouble()) : SkipTimestamp(ref reader);
            else if (key.SequenceEqual("license"u8)) f.License = reader.TokenType == JsonTokenType.String ? Intern(ref reader, fileName, "license") : SkipNull(ref reader);
            else reader.Skip(); // "requires" (legacy), "fn", "url", "channel", "arch", "platform", ...: not used
        }
        return Complete(fileName, f, channel, subdirHint, start);
    }

    /// <summary>A record's fields as read from JSON or from a shard's msgpack, before they are checked.</summary>
    private sealed class RecordFields
    {
        public string? Name, Version, Build, Subdir, Noarch, Sha256, Md5, License, Features;
        public long BuildNumber;
        public long? Size, Timestamp;
        public IReadOnlyList<string> Depends = [], Constrains = [], TrackFeatures = [];
    }

    /// <summary>
    /// The one place a record's fields become a <see cref="PackageRecord"/> (whatever format they came in): the
    /// policy's checks, and records left out with the reason.
    /// </summary>
    private PackageRecord? Complete(string fileName, RecordFields f, string channel, string? subdirHint, long start)
    {
        if (f.Name is not { } name || f.Version is not { } version || f.Build is not { } build)
        {
            throw Error(fileName, $"lacks {(f.Name is null ? "name" : f.Version is null ? "version" : "build")}", start);
        }
        var parsedVersion = ParseVersion(version, fileName, start);
        if (_policy.Strict)
        {
            Check(fileName, f.Subdir, subdirHint, f.Sha256, f.Md5, start);
            if (Stem(fileName) != $"{name}-{version}-{build}")
            {
                // conda, mamba and rattler key records by file name and go on: so does Beacon, without ever locking it.
                LeftOut.Add(new LeftOutRecord(f.Subdir ?? subdirHint ?? "", fileName, LeftOutReason.NamedForAnotherPackage,
                    $"its fields say {Parsing.Printable.Of(name)} {Parsing.Printable.Of(version)} {Parsing.Printable.Of(build)}"));
                return null;
            }
            if (f.Sha256 is null && !_policy.KeepWithoutSha256)
            {
                LeftOut.Add(new LeftOutRecord(f.Subdir ?? subdirHint ?? "", fileName, LeftOutReason.NoSha256, ""));
                return null;
            }
        }
        return new PackageRecord
        {
            Name = name,
            Version = parsedVersion,
            Build = build,
            BuildNumber = f.BuildNumber,
            Subdir = f.Subdir ?? subdirHint ?? string.Empty,
            FileName = fileName,
            Channel = channel,
            Depends = f.Depends,
            Constrains = f.Constrains,
            TrackFeatures = f.TrackFeatures,
            Features = string.IsNullOrWhiteSpace(f.Features) ? null : f.Features,
            Noarch = f.Noarch,
            Sha256 = f.Sha256?.ToLowerInvariant(),
            Md5 = f.Md5?.ToLowerInvariant(),
            Size = f.Size,
            Timestamp = f.Timestamp,
            License = f.License,
        };
    }

    /// <summary>
    /// What makes a record safe to read at all: its file name is plain text with a conda extension (it becomes part of
    /// a URL and a path), it belongs to the subdir being read, and its checksums are hex of the right length.
    /// </summary>
    private void Check(string fileName, string? subdir, string? subdirHint, string? sha256, string? md5, long offset)
    {
        var extension = fileName.EndsWith(".conda", StringComparison.Ordinal) || fileName.EndsWith(".tar.bz2", StringComparison.Ordinal);
        if (!extension || fileName.Any(c => c is '/' or '\\' || char.IsControl(c) || char.IsWhiteSpace(c)) || fileName.StartsWith('.'))
        {
            throw Error(fileName, "is not a conda package file name (name-version-build.conda or .tar.bz2, no path)", offset);
        }
        if (subdir is not null && subdirHint is not null && subdir != subdirHint)
        {
            throw Error(fileName, $"belongs to subdir '{subdir}', not '{subdirHint}'", offset);
        }
        if (sha256 is not null && !IsHex(sha256, 64))
        {
            throw Error(fileName, $"has a sha256 that is not 64 hex digits ('{Short(sha256)}')", offset);
        }
        if (md5 is not null && !IsHex(md5, 32))
        {
            throw Error(fileName, $"has an md5 that is not 32 hex digits ('{Short(md5)}')", offset);
        }
    }

    private static string Short(string text) => text.Length > 20 ? text[..20] + "…" : text;

    private static bool IsHex(string text, int length) => text.Length == length && text.All(char.IsAsciiHexDigit);

    private RepodataException Error(string fileName, string problem, long offset) =>
        new($"{_where}: record '{Parsing.Printable.Of(fileName)}' {problem}", offset);

    private string Text(ref Utf8JsonReader reader, string fileName, string field) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Error(fileName, $"has a '{field}' that is not text", reader.TokenStartIndex);

    private long? Integer(ref Utf8JsonReader reader, string fileName, string field)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value >= 0)
        {
            return value;
        }
        throw Error(fileName, $"has a '{field}' that is not a whole number from 0 to {long.MaxValue}", reader.TokenStartIndex);
    }

    private static long? SkipTimestamp(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }

    /// <summary>repodata timestamps are milliseconds; values up to year 9999 in seconds are old-style seconds.</summary>
    private static long? NormalizeTimestamp(double value)
    {
        if (double.IsNaN(value) || value < 0 || value > 253402300799999d)
        {
            return null; // not a time Beacon can use for ordering: ignored, as conda ignores a missing one
        }
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
            throw Error(fileName, $"has an invalid version '{Parsing.Printable.Of(text)}': {parsed.Error.Message}", offset);
        }
        _versions[text] = parsed.Value;
        return parsed.Value;
    }

    private string? SkipNull(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }

    private string Intern(ref Utf8JsonReader reader, string fileName, string field)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            // Some old repodata has numbers where strings belong (e.g. "version": 1.0); keep their text.
            if (reader.TokenType == JsonTokenType.Number)
            {
                return Intern(Encoding.UTF8.GetString(reader.ValueSpan));
            }
            throw Error(fileName, $"has a '{field}' that is not text", reader.TokenStartIndex);
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

    private IReadOnlyList<string> ReadStringArray(ref Utf8JsonReader reader, string fileName, string field)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Error(fileName, $"has a '{field}' that is not a list of text", reader.TokenStartIndex);
        }
        _scratch.Clear();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            _scratch.Add(Intern(ref reader, fileName, field));
        }
        return _scratch.Count == 0 ? [] : _scratch.ToArray();
    }

    /// <summary><c>track_features</c> is a space- or comma-separated string (or, rarely, a list).</summary>
    private IReadOnlyList<string> ReadFeatures(ref Utf8JsonReader reader, string fileName)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            return ReadStringArray(ref reader, fileName, "track_features");
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

    private string? ReadNoarch(ref Utf8JsonReader reader, string fileName) => reader.TokenType switch
    {
        JsonTokenType.String => Intern(ref reader, fileName, "noarch"),
        JsonTokenType.True => "generic", // very old repodata: "noarch": true
        _ => SkipNull(ref reader),
    };

    /// <summary>Reads a file (a regular file of at most <see cref="MaxBytes"/>): <c>.json</c>, or <c>.json.zst</c> (zstd-compressed).</summary>
    public IReadOnlyList<PackageRecord> ReadFile(string path, string channel, string? subdirHint = null)
    {
        byte[] bytes;
        try
        {
            bytes = SafeFile.ReadAllBytes(path, MaxBytes);
        }
        catch (SafeFileException e)
        {
            throw new RepodataException(e.Message);
        }
        return path.EndsWith(".zst", StringComparison.Ordinal)
            ? Read(Decompress(bytes), channel, subdirHint)
            : Read(bytes, channel, subdirHint);
    }

    /// <summary>zstd-compressed repodata, decompressed to at most <see cref="MaxBytes"/> (a small file cannot expand without bound).</summary>
    public static byte[] Decompress(byte[] zstd) => Decompress(zstd, MaxBytes, "repodata.json.zst");

    /// <summary>zstd data decompressed to at most <paramref name="limit"/> bytes; <paramref name="what"/> names it in errors.</summary>
    public static byte[] Decompress(byte[] zstd, long limit, string what)
    {
        try
        {
            using var input = new MemoryStream(zstd);
            using var stream = new ZstdSharp.DecompressionStream(input);
            using var output = new MemoryStream((int)Math.Min(Math.Min(zstd.Length * 8L, 64 << 20), limit));
            var buffer = new byte[1 << 16];
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + n > limit)
                {
                    throw new RepodataException($"{what} expands past {SafeFile.Size(limit)}; Beacon reads no larger repodata");
                }
                output.Write(buffer, 0, n);
            }
            return output.ToArray();
        }
        catch (ZstdSharp.ZstdException e)
        {
            throw new RepodataException($"{what} is not valid zstd data: {e.Message}");
        }
    }
}
