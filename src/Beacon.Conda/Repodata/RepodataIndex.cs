using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Beacon.Conda.Records;

namespace Beacon.Conda.Repodata;

/// <summary>
/// A plain repodata.json read without building the channel: the file is mapped (never copied into one managed
/// array), hashed, and indexed once per content — which records each package name has, as byte ranges of the file —
/// so a run builds records only for the names it asks for. The index is kept in a cache folder under the file's
/// sha256 (the way libsolv keeps <c>.solv</c> files): the same bytes never need a second indexing pass, and other
/// bytes can never meet a stale index. Records are read by the channel's <see cref="RepodataReader"/>, with the
/// same checks as a whole read.
/// </summary>
public sealed unsafe class RepodataIndex : IDisposable
{
    private const string Magic = "beacon-repodata-index 1";

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _start;
    private readonly long _length;
    private readonly Dictionary<string, (int First, int Count)> _byName;
    private readonly long[] _keys;
    private readonly int[] _recordDeltas;
    private readonly int[] _recordLengths;

    private RepodataIndex(MemoryMappedFile file, MemoryMappedViewAccessor view, long length, string sha256,
        Dictionary<string, (int, int)> byName, long[] keys, int[] deltas, int[] lengths, string? infoSubdir)
    {
        _file = file;
        _view = view;
        _length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _start = pointer + view.PointerOffset;
        Sha256 = sha256;
        _byName = byName;
        _keys = keys;
        _recordDeltas = deltas;
        _recordLengths = lengths;
        InfoSubdir = infoSubdir;
    }

    /// <summary>The sha256 of the repodata file's bytes.</summary>
    public string Sha256 { get; }

    /// <summary>What <c>info.subdir</c> says, when it says it.</summary>
    public string? InfoSubdir { get; }

    public IEnumerable<string> Names => _byName.Keys;

    public bool Has(string name) => _byName.ContainsKey(name);

    private ReadOnlySpan<byte> Bytes(long offset, int length) => new(_start + offset, length);

    /// <summary>
    /// Maps and hashes a plain repodata.json (a regular file of at most <see cref="RepodataReader.MaxBytes"/>) and finds
    /// its index in <paramref name="cacheDirectory"/>, writing it there on the first reading of these bytes.
    /// </summary>
    public static RepodataIndex Open(string path, string cacheDirectory)
    {
        FileStream stream;
        try
        {
            stream = SafeFile.OpenRead(path, RepodataReader.MaxBytes);
        }
        catch (SafeFileException e)
        {
            throw new RepodataException(e.Message);
        }
        var length = stream.Length;
        if (length == 0)
        {
            stream.Dispose();
            throw new RepodataException($"{path} is empty");
        }
        var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            var bytes = new ReadOnlySpan<byte>(pointer + view.PointerOffset, checked((int)Math.Min(length, int.MaxValue)));
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var indexPath = Path.Combine(cacheDirectory, sha256 + ".idx");
            var parts = TryLoad(indexPath, length) ?? Build(bytes, path, indexPath);
            return new RepodataIndex(file, view, length, sha256, parts.ByName, parts.Keys, parts.Deltas, parts.Lengths, parts.InfoSubdir);
        }
        catch
        {
            view.Dispose();
            file.Dispose();
            throw;
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    private sealed record Parts(Dictionary<string, (int, int)> ByName, long[] Keys, int[] Deltas, int[] Lengths, string? InfoSubdir);

    /// <summary>One pass over the document: each record's file-name key and object, grouped by the record's "name".</summary>
    private static Parts Build(ReadOnlySpan<byte> bytes, string path, string indexPath)
    {
        var groups = new Dictionary<string, List<(long Key, int Delta, int Length)>>(StringComparer.Ordinal);
        string? infoSubdir = null;
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new RepodataException($"{path}: repodata must be a JSON object");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var section = reader.GetString();
                reader.Read();
                if (section is "packages" or "packages.conda" && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = reader.TokenStartIndex;
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            throw new RepodataException($"{path}: record near byte {key} must be an object");
                        }
                        var start = reader.TokenStartIndex;
                        string? name = null;
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var isName = reader.ValueTextEquals("name"u8);
                            reader.Read();
                            if (isName && reader.TokenType == JsonTokenType.String)
                            {
                                name = NameOf(ref reader, groups);
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                        // A record without a name is the reader's to refuse, when its file is asked for by name: kept under "".
                        var list = groups.TryGetValue(name ?? "", out var l) ? l : groups[name ?? ""] = [];
                        list.Add((key, checked((int)(start - key)), checked((int)(reader.BytesConsumed - start))));
                    }
                }
                else if (section == "info" && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isSubdir = reader.ValueTextEquals("subdir"u8);
                        reader.Read();
                        if (isSubdir && reader.TokenType == JsonTokenType.String)
                        {
                            infoSubdir = reader.GetString();
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException e)
        {
            throw new RepodataException($"{path} is not valid JSON: {e.Message}", reader.BytesConsumed);
        }
        catch (InvalidOperationException e)
        {
            throw new RepodataException($"{path} is not valid repodata near byte {reader.TokenStartIndex}: {e.Message}", reader.TokenStartIndex);
        }
        var byName = new Dictionary<string, (int, int)>(groups.Count, StringComparer.Ordinal);
        var total = groups.Sum(g => g.Value.Count);
        var keys = new long[total];
        var deltas = new int[total];
        var lengths = new int[total];
        var at = 0;
        foreach (var (name, list) in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            byName[name] = (at, list.Count);
            foreach (var (k, d, n) in list)
            {
                (keys[at], deltas[at], lengths[at]) = (k, d, n);
                at++;
            }
        }
        var parts = new Parts(byName, keys, deltas, lengths, infoSubdir);
        Save(indexPath, parts, bytes.Length);
        return parts;
    }

    /// <summary>A record's name without a new string per record: names repeat (a few per thousand records are new).</summary>
    private static string NameOf(ref Utf8JsonReader reader, Dictionary<string, List<(long, int, int)>> groups)
    {
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > 256)
        {
            return reader.GetString()!;
        }
        Span<char> chars = stackalloc char[reader.ValueSpan.Length];
        var n = Encoding.UTF8.GetChars(reader.ValueSpan, chars);
        return groups.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..n], out var known, out _) ? known : new string(chars[..n]);
    }

    private static void Save(string indexPath, Parts parts, long length)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(indexPath)!);
            using var buffer = new MemoryStream();
            using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            {
                w.Write(Magic);
                w.Write(length);
                w.Write(parts.InfoSubdir ?? "");
                w.Write(parts.InfoSubdir is not null);
                w.Write(parts.ByName.Count);
                foreach (var (name, (first, count)) in parts.ByName)
                {
                    w.Write(name);
                    w.Write(first);
                    w.Write(count);
                }
                w.Write(parts.Keys.Length);
                w.Write(MemoryMarshal.AsBytes(parts.Keys.AsSpan()));
                w.Write(MemoryMarshal.AsBytes(parts.Deltas.AsSpan()));
                w.Write(MemoryMarshal.AsBytes(parts.Lengths.AsSpan()));
            }
            AtomicFile.WriteAllBytes(indexPath, buffer.ToArray());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs the next run an indexing pass, nothing else.
        }
    }

    /// <summary>The stored index, or null when there is none or it is not one this code wrote for a file of this length.</summary>
    private static Parts? TryLoad(string indexPath, long length)
    {
        try
        {
            if (!File.Exists(indexPath))
            {
                return null;
            }
            using var r = new BinaryReader(SafeFile.OpenRead(indexPath, RepodataReader.MaxBytes), Encoding.UTF8);
            if (r.ReadString() != Magic || r.ReadInt64() != length)
            {
                return null;
            }
            var subdir = r.ReadString();
            var hasSubdir = r.ReadBoolean();
            var names = r.ReadInt32();
            var byName = new Dictionary<string, (int, int)>(names, StringComparer.Ordinal);
            for (var i = 0; i < names; i++)
            {
                byName[r.ReadString()] = (r.ReadInt32(), r.ReadInt32());
            }
            var total = r.ReadInt32();
            var keys = new long[total];
            var deltas = new int[total];
            var lengths = new int[total];
            r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(keys.AsSpan()));
            r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(deltas.AsSpan()));
            r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(lengths.AsSpan()));
            for (var i = 0; i < total; i++)
            {
                if (keys[i] < 0 || deltas[i] < 0 || lengths[i] <= 0 || keys[i] + deltas[i] + lengths[i] > length)
                {
                    return null;
                }
            }
            return byName.Values.Any(v => v.Item1 < 0 || v.Item2 < 0 || v.Item1 + v.Item2 > total) ? null
                : new Parts(byName, keys, deltas, lengths, hasSubdir ? subdir : null);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or SafeFileException or FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The records of one name, read through <paramref name="reader"/> (null entries: left out by its policy).</summary>
    public IReadOnlyList<PackageRecord> Read(string name, RepodataReader reader, string channel, string subdir)
    {
        if (!_byName.TryGetValue(name, out var range))
        {
            return [];
        }
        var byStem = new Dictionary<string, PackageRecord>(StringComparer.Ordinal);
        for (var i = range.First; i < range.First + range.Count; i++)
        {
            var keyEnd = _keys[i] + _recordDeltas[i];
            var keyReader = new Utf8JsonReader(Bytes(_keys[i], (int)(keyEnd - _keys[i])).TrimEnd(" \t\r\n:"u8));
            keyReader.Read();
            var fileName = keyReader.GetString()!;
            reader.AddRecord(byStem, Bytes(keyEnd, _recordLengths[i]), fileName, channel, subdir);
        }
        return byStem.Values.ToList();
    }

    public void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
    }
}
