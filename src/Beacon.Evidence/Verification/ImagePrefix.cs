using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Beacon.Evidence.Verification;

/// <summary>A layer file that cannot be read as a tar archive (plain, gzip or zstd).</summary>
public sealed class ImageLayerException(string message) : Exception(message);

/// <summary>
/// The environment under a prefix as an image's layers make it, read from the layer blobs themselves (never from a
/// label or the image config): the layers are applied bottom first with the OCI whiteout rules (<c>.wh.&lt;name&gt;</c>
/// removes a path and what is under it, <c>.wh..wh..opq</c> empties a folder of what lower layers put there), each
/// file under the prefix streamed once through sha256 and nothing else held, except the conda-meta records (bounded).
/// Paths are prefix-relative, '/'-separated.
/// </summary>
public sealed class ImagePrefix
{
    /// <summary>A conda-meta record larger than this is a finding, not a read (conda's largest are a few MB).</summary>
    public const int MaxRecordBytes = 64 << 20;

    /// <summary>More entries than this under one prefix is refused (conda-forge's largest environments hold ~200k).</summary>
    public const int MaxEntries = 4_000_000;

    private readonly Dictionary<string, (PrefixEntry Entry, int Layer)> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _records = new(StringComparer.Ordinal);
    // Folders that have (or had) an entry under them: only those are scanned when a path is replaced or whited out.
    private readonly HashSet<string> _folders = new(StringComparer.Ordinal);

    /// <summary>Every file and link under the prefix.</summary>
    public IReadOnlyDictionary<string, PrefixEntry> Entries => _entries.ToDictionary(e => e.Key, e => e.Value.Entry, StringComparer.Ordinal);

    public bool TryGet(string path, out PrefixEntry entry)
    {
        var found = _entries.TryGetValue(path, out var e);
        entry = e.Entry;
        return found;
    }

    public IEnumerable<string> Paths => _entries.Keys;

    /// <summary>The bytes of <c>conda-meta/&lt;name&gt;</c>, when the image has it as a file.</summary>
    public byte[]? Record(string path) => _records.GetValueOrDefault(path);

    /// <summary>Applies the layer files (bottom first) and keeps what lies under <paramref name="prefix"/>.</summary>
    public static ImagePrefix Read(IEnumerable<string> layerFiles, string prefix)
    {
        var result = new ImagePrefix();
        var under = prefix.Trim('/') + "/";
        var index = 0;
        foreach (var file in layerFiles)
        {
            try
            {
                using var stream = Decompressed(file);
                result.Apply(stream, under, index++);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or ZstdSharp.ZstdException or EndOfStreamException)
            {
                throw new ImageLayerException($"layer {Path.GetFileName(file)} is not a readable tar archive: {e.Message}");
            }
        }
        return result;
    }

    private void Apply(Stream stream, string under, int layer)
    {
        using var reader = new TarReader(stream);
        var hardLinks = new List<(string Path, string Target)>();
        while (reader.GetNextEntry() is { } entry)
        {
            var name = TarPaths.Normalise(entry.Name);
            if (!name.StartsWith(under, StringComparison.Ordinal))
            {
                continue;
            }
            var relative = name[under.Length..].TrimEnd('/');
            var slash = relative.LastIndexOf('/');
            var folder = slash < 0 ? "" : relative[..(slash + 1)];
            var leaf = relative[(slash + 1)..];
            if (leaf == ".wh..wh..opq")
            {
                RemoveUnder(folder, before: layer);
                continue;
            }
            if (leaf.StartsWith(".wh.", StringComparison.Ordinal))
            {
                Remove(folder + leaf[".wh.".Length..]);
                continue;
            }
            if (relative.Length == 0)
            {
                continue;
            }
            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    Remove(relative); // a file replaces a folder or link of a lower layer, and what was under it
                    Add(relative, Hash(entry, relative), layer);
                    break;
                case TarEntryType.SymbolicLink:
                    Remove(relative);
                    Add(relative, PrefixEntry.OfLink(entry.LinkName), layer);
                    break;
                case TarEntryType.HardLink:
                    hardLinks.Add((relative, TarPaths.Normalise(entry.LinkName)));
                    break;
                case TarEntryType.Directory:
                    // A folder over a lower layer's file or link replaces it; over a folder it merges.
                    if (_entries.ContainsKey(relative))
                    {
                        Remove(relative);
                    }
                    break;
                default:
                    Remove(relative);
                    Add(relative, new PrefixEntry(PrefixEntryKind.File, null, 0, null), layer); // a device or fifo: never what a package holds
                    break;
            }
        }
        foreach (var (path, target) in hardLinks)
        {
            // A hard link is the same content as the entry it names (written earlier in the same archive).
            var targetPath = target.StartsWith(under, StringComparison.Ordinal) ? target[under.Length..] : null;
            var entry = targetPath is not null && _entries.TryGetValue(targetPath, out var t)
                ? t.Entry
                : new PrefixEntry(PrefixEntryKind.File, null, 0, null); // a link to a file outside the prefix: no content to prove
            Remove(path);
            Add(path, entry, layer);
            if (targetPath is not null && _records.TryGetValue(targetPath, out var bytes))
            {
                _records[path] = bytes;
            }
        }
    }

    private void Add(string path, PrefixEntry entry, int layer)
    {
        if (_entries.Count >= MaxEntries)
        {
            throw new ImageLayerException($"more than {MaxEntries} entries under the prefix");
        }
        _entries[path] = (entry, layer);
        for (var slash = path.LastIndexOf('/'); slash > 0 && _folders.Add(path[..slash]); slash = path.LastIndexOf('/', slash - 1))
        {
        }
    }

    private PrefixEntry Hash(TarEntry entry, string relative)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var keep = relative.StartsWith("conda-meta/", StringComparison.Ordinal) && relative.IndexOf('/', "conda-meta/".Length) < 0
            && entry.Length <= MaxRecordBytes;
        var kept = keep ? new MemoryStream((int)entry.Length) : null;
        long size = 0;
        if (entry.DataStream is { } data)
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = data.Read(buffer)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                kept?.Write(buffer, 0, read);
                size += read;
            }
        }
        if (kept is not null)
        {
            _records[relative] = kept.ToArray();
        }
        else
        {
            _records.Remove(relative);
        }
        return PrefixEntry.OfFile(Convert.ToHexStringLower(sha.GetHashAndReset()), size, (entry.Mode & PrefixEntry.ExecuteBits) != 0);
    }

    private void Remove(string path)
    {
        _entries.Remove(path);
        _records.Remove(path);
        if (_folders.Remove(path))
        {
            RemoveUnder(path + "/", before: int.MaxValue);
        }
    }

    /// <summary>Removes what lies under <paramref name="folder"/> (ending in '/', or "" for the prefix itself), from layers below <paramref name="before"/>.</summary>
    private void RemoveUnder(string folder, int before)
    {
        foreach (var key in _entries.Where(e => e.Key.StartsWith(folder, StringComparison.Ordinal) && e.Value.Layer < before).Select(e => e.Key).ToList())
        {
            _entries.Remove(key);
            _records.Remove(key);
        }
    }

    /// <summary>A layer file as a tar stream: gzip and zstd are recognised by their magic numbers (registries hold both).</summary>
    private static Stream Decompressed(string file)
    {
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var magic = new byte[4];
        var read = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            return new GZipStream(stream, CompressionMode.Decompress);
        }
        if (read == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
        {
            return new ZstdSharp.DecompressionStream(stream);
        }
        return stream;
    }
}
