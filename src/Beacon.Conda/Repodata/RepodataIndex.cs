using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Beacon.Conda.Records;

namespace Beacon.Conda.Repodata;

/// <summary>
/// A plain repodata.json read without building the channel: the file is streamed (never held whole in memory),
/// hashed, and indexed once per content — which records each package name has, as byte ranges of the file —
/// so a run builds records only for the names it asks for. The index is kept in a cache folder under the file's
/// content hash (the way libsolv keeps <c>.solv</c> files): the same bytes never need a second indexing pass, and
/// other bytes can never meet a stale index. Every run that reads a plain channel hashes the whole file (the gate's
/// reused results are keyed by it, never by time stamps), so the hash is <see cref="BlockHash"/>, which both cores share. Records are read by the channel's <see cref="RepodataReader"/>, with the
/// same checks as a whole read.
/// </summary>
public sealed class RepodataIndex : IDisposable
{
    private const string Magic = "beacon-repodata-index 1";

    /// <summary>Read buffer of the indexing pass (a token longer than this grows it, up to <see cref="MaxToken"/>).</summary>
    private const int Chunk = 1 << 20;

    private const int MaxToken = 64 << 20;

    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _handle;

    /// <summary>
    /// Loaded (or built) when first needed, not at <see cref="Open(string, string)"/>: a run whose result is reused
    /// under <see cref="ContentHash"/> (the compiler with nothing changed) needs the hash and never the index.
    /// </summary>
    private readonly Lazy<Parts> _parts;

    private RepodataIndex(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string contentHash, Func<Parts> parts)
    {
        _handle = handle;
        ContentHash = contentHash;
        _parts = new Lazy<Parts>(parts);
    }

    /// <summary>The <see cref="BlockHash"/> of the repodata file's bytes (<c>blake3-blocks:&lt;hex&gt;</c>).</summary>
    public string ContentHash { get; }

    /// <summary>What <c>info.subdir</c> says, when it says it (the first use of the index: a malformed file fails here).</summary>
    public string? InfoSubdir => _parts.Value.InfoSubdir;

    public IEnumerable<string> Names => _parts.Value.ByName.Keys;

    /// <summary>Loads or builds the index now: a truncated or malformed document fails here, before it is kept anywhere.</summary>
    public void EnsureIndexed() => _ = _parts.Value;

    public bool Has(string name) => _parts.Value.ByName.ContainsKey(name);

    /// <summary>
    /// Hashes a plain repodata.json (a regular file of at most <see cref="RepodataReader.MaxBytes"/>) by streaming it; its
    /// index is found in <paramref name="cacheDirectory"/> when first used, and written there on the first reading of
    /// these bytes. The file is read in 1 MiB pieces: neither this process's memory nor its resident set ever holds the
    /// whole file.
    /// </summary>
    public static RepodataIndex Open(string path, string cacheDirectory) => Open(path, cacheDirectory, null)!;

    /// <summary>As <see cref="Open(string, string)"/>, but null (nothing indexed) when the file's <see cref="ContentHash"/> is not <paramref name="expectedHash"/>.</summary>
    public static RepodataIndex? Open(string path, string cacheDirectory, string? expectedHash)
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
        var handle = stream.SafeFileHandle;
        try
        {
            var length = RandomAccess.GetLength(handle);
            if (length == 0)
            {
                throw new RepodataException($"{path} is empty");
            }
            string contentHash;
            try
            {
                contentHash = BlockHash.Of(handle, length);
            }
            catch (IOException e)
            {
                throw new RepodataException($"{path} could not be read whole ({e.Message})");
            }
            if (expectedHash is not null && contentHash != expectedHash)
            {
                stream.Dispose();
                return null;
            }
            var indexPath = Path.Combine(cacheDirectory, contentHash.Replace(':', '-') + ".idx");
            return new RepodataIndex(handle, contentHash, () => TryLoad(indexPath, length) ?? Build(handle, length, path, indexPath));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private sealed record Parts(Dictionary<string, (int First, int Count)> ByName, long[] Keys, int[] Deltas, int[] Lengths, string? InfoSubdir);

    /// <summary>
    /// One streamed pass over the document (a <see cref="Utf8JsonReader"/> resumed piece by piece): each record's
    /// file-name key and object, grouped by the record's "name". Depths: sections 1, file names and info fields 2,
    /// record fields 3. A truncated or malformed document fails here, before any of it is used.
    /// </summary>
    private static Parts Build(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length, string path, string indexPath)
    {
        var groups = new Dictionary<string, List<(long Key, int Delta, int Length)>>(StringComparer.Ordinal);
        string? infoSubdir = null, section = null;
        long key = -1, record = -1;
        string? name = null;
        bool nameNext = false, subdirNext = false, started = false;
        var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
        var buffer = new byte[Chunk];
        int kept = 0;
        long bufferStart = 0, fileOffset = 0;
        try
        {
            while (true)
            {
                if (kept == buffer.Length)
                {
                    if (buffer.Length >= MaxToken)
                    {
                        throw new RepodataException($"{path}: a token near byte {bufferStart} is longer than {SafeFile.Size(MaxToken)}");
                    }
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                var read = RandomAccess.Read(handle, buffer.AsSpan(kept), fileOffset);
                fileOffset += read;
                var final = read == 0 || fileOffset >= length;
                var reader = new Utf8JsonReader(buffer.AsSpan(0, kept + read), final, state);
                while (reader.Read())
                {
                    var depth = reader.CurrentDepth;
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.StartObject when depth == 0:
                            started = true;
                            break;
                        case JsonTokenType.PropertyName when depth == 1:
                            section = reader.GetString();
                            break;
                        case JsonTokenType.PropertyName when depth == 2 && section is "packages" or "packages.conda":
                            key = bufferStart + reader.TokenStartIndex;
                            break;
                        case JsonTokenType.StartObject when depth == 2 && section is "packages" or "packages.conda":
                            record = bufferStart + reader.TokenStartIndex;
                            name = null;
                            break;
                        case JsonTokenType.PropertyName when depth == 3 && record >= 0:
                            nameNext = reader.ValueTextEquals("name"u8);
                            break;
                        case JsonTokenType.String when depth == 3 && nameNext:
                            name = NameOf(ref reader, groups);
                            nameNext = false;
                            break;
                        case JsonTokenType.EndObject when depth == 2 && record >= 0:
                            // A record without a name is the reader's to refuse, when its file is asked for by name: kept under "".
                            var list = groups.TryGetValue(name ?? "", out var l) ? l : groups[name ?? ""] = [];
                            list.Add((key, checked((int)(record - key)), checked((int)(bufferStart + reader.BytesConsumed - record))));
                            record = -1;
                            break;
                        case JsonTokenType.PropertyName when depth == 2 && section == "info":
                            subdirNext = reader.ValueTextEquals("subdir"u8);
                            break;
                        case JsonTokenType.String when depth == 2 && section == "info" && subdirNext:
                            infoSubdir = reader.GetString();
                            subdirNext = false;
                            break;
                        case JsonTokenType.PropertyName or JsonTokenType.StartObject or JsonTokenType.StartArray when depth <= 2 && record < 0:
                            nameNext = subdirNext = false;
                            break;
                    }
                    if (!started)
                    {
                        throw new RepodataException($"{path}: repodata must be a JSON object");
                    }
                }
                state = reader.CurrentState;
                var consumed = (int)reader.BytesConsumed;
                kept = kept + read - consumed;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, kept);
                bufferStart += consumed;
                if (final)
                {
                    if (kept > 0 || !started || reader.CurrentDepth != 0)
                    {
                        throw new RepodataException($"{path} is not valid JSON: it ends inside a value (byte {bufferStart})");
                    }
                    break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new RepodataException($"{path} is not valid JSON: {e.Message}", bufferStart);
        }
        catch (InvalidOperationException e)
        {
            throw new RepodataException($"{path} is not valid repodata near byte {bufferStart}: {e.Message}", bufferStart);
        }
        var byName = new Dictionary<string, (int, int)>(groups.Count, StringComparer.Ordinal);
        var total = groups.Sum(g => g.Value.Count);
        var keys = new long[total];
        var deltas = new int[total];
        var lengths = new int[total];
        var at = 0;
        foreach (var (groupName, entries) in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            byName[groupName] = (at, entries.Count);
            foreach (var (k, d, n) in entries)
            {
                (keys[at], deltas[at], lengths[at]) = (k, d, n);
                at++;
            }
        }
        var parts = new Parts(byName, keys, deltas, lengths, infoSubdir);
        Save(indexPath, parts, length);
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

    /// <summary>The records of one name, read through <paramref name="reader"/> from their byte ranges of the file.</summary>
    public IReadOnlyList<PackageRecord> Read(string name, RepodataReader reader, string channel, string subdir)
    {
        var parts = _parts.Value;
        if (!parts.ByName.TryGetValue(name, out var range))
        {
            return [];
        }
        var byStem = new Dictionary<string, PackageRecord>(StringComparer.Ordinal);
        var buffer = new byte[4096];
        for (var i = range.First; i < range.First + range.Count; i++)
        {
            var size = parts.Deltas[i] + parts.Lengths[i];
            if (buffer.Length < size)
            {
                buffer = new byte[size];
            }
            var slice = buffer.AsSpan(0, size);
            if (RandomAccess.Read(_handle, slice, parts.Keys[i]) != size)
            {
                throw new RepodataException($"{channel.TrimEnd('/')}/{subdir}/repodata.json changed while it was read");
            }
            var keyReader = new Utf8JsonReader(slice[..parts.Deltas[i]].TrimEnd(" \t\r\n:"u8));
            keyReader.Read();
            reader.AddRecord(byStem, slice[parts.Deltas[i]..], keyReader.GetString()!, channel, subdir);
        }
        return byStem.Values.ToList();
    }

    public void Dispose() => _handle.Dispose();
}
