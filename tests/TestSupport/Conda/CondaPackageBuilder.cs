using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ZstdSharp;

namespace Beacon.TestSupport.Conda;

/// <summary>
/// Writes conda packages entry by entry — honest ones and the hostile ones a compromised channel could serve (links
/// out of the package, hard links to host files, paths.json that lies, bombs, devices, clashes) — as real
/// <c>.conda</c> files (a zip of <c>info-*.tar.zst</c> and <c>pkg-*.tar.zst</c>, as conda-package-handling writes
/// them), and puts them in a channel folder with a repodata.json that names their true sha256 and size, so the gate
/// passes them and only the builder stands between them and the host.
/// </summary>
internal sealed class CondaPackageBuilder(string name, string version = "1.0", string build = "0")
{
    private readonly List<Func<TarEntry>> _entries = [];
    private readonly List<object> _paths = [];
    private string? _pathsJson;

    public string Name => name;

    /// <summary>Cut the written file to this many bytes (a broken upload the channel's sha256 still describes).</summary>
    public int? TruncateTo { get; init; }
    public string FileName => $"{name}-{version}-{build}.conda";
    public List<string> Depends { get; } = [];

    public CondaPackageBuilder File(string path, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100, string? placeholder = null) =>
        File(path, Encoding.UTF8.GetBytes(content), mode, placeholder);

    public CondaPackageBuilder File(string path, byte[] content, UnixFileMode mode = (UnixFileMode)0b110_100_100, string? placeholder = null)
    {
        _entries.Add(() => new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(content), Mode = mode });
        var listed = new Dictionary<string, object> { ["_path"] = path, ["path_type"] = "hardlink", ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(content)), ["size_in_bytes"] = content.LongLength };
        if (placeholder is not null)
        {
            listed["prefix_placeholder"] = placeholder;
            listed["file_mode"] = "text";
        }
        _paths.Add(listed);
        return this;
    }

    /// <summary>A file whose content is <paramref name="length"/> zero bytes, streamed (for sizes no test holds in memory).</summary>
    public CondaPackageBuilder Zeros(string path, long length, long? declared = null)
    {
        _entries.Add(() => new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new ZeroStream(length), Mode = (UnixFileMode)0b110_100_100 });
        _paths.Add(new Dictionary<string, object> { ["_path"] = path, ["path_type"] = "hardlink", ["size_in_bytes"] = declared ?? length });
        return this;
    }

    /// <summary>
    /// A file of <paramref name="length"/> bytes that repeat one pseudo-random MiB, streamed: incompressible for gzip's
    /// 32 KiB window (a layer pays the full cost), small in the package's zstd part (its window holds the period).
    /// </summary>
    public CondaPackageBuilder Patterned(string path, long length, int seed)
    {
        var block = new byte[1 << 20];
        new Random(seed).NextBytes(block);
        _entries.Add(() => new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new RepeatStream(block, length), Mode = (UnixFileMode)0b110_100_100 });
        _paths.Add(new Dictionary<string, object> { ["_path"] = path, ["path_type"] = "hardlink", ["size_in_bytes"] = length });
        return this;
    }

    public CondaPackageBuilder Folder(string path)
    {
        _entries.Add(() => new PaxTarEntry(TarEntryType.Directory, path) { Mode = (UnixFileMode)0b111_101_101 });
        return this;
    }

    public CondaPackageBuilder Symlink(string path, string target, bool listed = true)
    {
        _entries.Add(() => new PaxTarEntry(TarEntryType.SymbolicLink, path) { LinkName = target });
        if (listed)
        {
            _paths.Add(new Dictionary<string, object> { ["_path"] = path, ["path_type"] = "softlink" });
        }
        return this;
    }

    public CondaPackageBuilder HardLink(string path, string target)
    {
        _entries.Add(() => new PaxTarEntry(TarEntryType.HardLink, path) { LinkName = target });
        _paths.Add(new Dictionary<string, object> { ["_path"] = path, ["path_type"] = "hardlink" });
        return this;
    }

    /// <summary>Any entry at all (a device, a FIFO), unlisted.</summary>
    public CondaPackageBuilder Raw(Func<TarEntry> entry)
    {
        _entries.Add(entry);
        return this;
    }

    /// <summary>A paths.json entry with no file behind it, or one that says something else than the archive.</summary>
    public CondaPackageBuilder Listed(string path, string type = "hardlink", string? sha256 = null, long? size = null)
    {
        var listed = new Dictionary<string, object> { ["_path"] = path, ["path_type"] = type };
        if (sha256 is not null)
        {
            listed["sha256"] = sha256;
        }
        if (size is not null)
        {
            listed["size_in_bytes"] = size;
        }
        _paths.Add(listed);
        return this;
    }

    public CondaPackageBuilder PathsJson(string json)
    {
        _pathsJson = json;
        return this;
    }

    private string IndexJson => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["name"] = name, ["version"] = version, ["build"] = build, ["build_number"] = 0, ["subdir"] = "linux-64", ["depends"] = Depends,
    });

    /// <summary>Writes the package as <c>.conda</c>; <paramref name="truncateTo"/> cuts the file (a broken download).</summary>
    public string Write(string folder)
    {
        var truncateTo = TruncateTo;
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, FileName);
        using (var zip = new ZipArchive(new FileStream(file, FileMode.Create), ZipArchiveMode.Create))
        {
            zip.CreateEntry("metadata.json", CompressionLevel.NoCompression).Open().Dispose();
            var stem = $"{name}-{version}-{build}";
            Part(zip, $"pkg-{stem}.tar.zst", _entries);
            var paths = _pathsJson ?? JsonSerializer.Serialize(new Dictionary<string, object> { ["paths"] = _paths, ["paths_version"] = 1 });
            Part(zip, $"info-{stem}.tar.zst",
            [
                () => new PaxTarEntry(TarEntryType.RegularFile, "info/index.json") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(IndexJson)) },
                () => new PaxTarEntry(TarEntryType.RegularFile, "info/paths.json") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(paths)) },
            ]);
        }
        if (truncateTo is { } length)
        {
            using var stream = new FileStream(file, FileMode.Open);
            stream.SetLength(length);
        }
        return file;
    }

    private static void Part(ZipArchive zip, string name, IEnumerable<Func<TarEntry>> entries)
    {
        using var output = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        using var zstd = new CompressionStream(output, 3);
        var list = entries.ToList();
        if (list.Count == 0)
        {
            zstd.Write(new byte[1024]); // the end-of-archive blocks Python's tarfile writes (.NET's TarWriter writes none for no entries)
            return;
        }
        using var tar = new TarWriter(zstd, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var entry in list)
        {
            tar.WriteEntry(entry());
        }
    }

    /// <summary>A linux-64 channel holding <paramref name="packages"/> (and an empty noarch), its records naming each file's true sha256 and size.</summary>
    public static void Channel(string folder, params CondaPackageBuilder[] packages)
    {
        var records = new Dictionary<string, object>();
        foreach (var p in packages)
        {
            var file = p.Write(Path.Combine(folder, "linux-64"));
            var bytes = System.IO.File.ReadAllBytes(file);
            records[p.FileName] = new Dictionary<string, object>
            {
                ["name"] = p.Name, ["version"] = p.VersionText, ["build"] = p.BuildText, ["build_number"] = 0, ["depends"] = p.Depends, ["subdir"] = "linux-64",
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)), ["size"] = bytes.LongLength,
            };
        }
        System.IO.File.WriteAllText(Path.Combine(folder, "linux-64", "repodata.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["info"] = new Dictionary<string, string> { ["subdir"] = "linux-64" }, ["packages"] = new Dictionary<string, object>(), ["packages.conda"] = records,
        }));
        Directory.CreateDirectory(Path.Combine(folder, "noarch"));
        System.IO.File.WriteAllText(Path.Combine(folder, "noarch", "repodata.json"), "{\"info\":{\"subdir\":\"noarch\"},\"packages\":{},\"packages.conda\":{}}");
    }

    private string VersionText => version;
    private string BuildText => build;

    /// <summary>Zero bytes, read on demand.</summary>
    private sealed class ZeroStream(long length) : RepeatStream(new byte[1 << 16], length);

    /// <summary><paramref name="block"/> over and over up to <paramref name="length"/> bytes, read on demand.</summary>
    private class RepeatStream(byte[] block, long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = value;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var at = (int)(_position % block.Length);
            var n = (int)Math.Min(Math.Min(count, length - _position), block.Length - at);
            Array.Copy(block, at, buffer, offset, n);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
