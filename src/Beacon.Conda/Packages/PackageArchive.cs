using System.Formats.Tar;
using System.IO.Compression;
using ICSharpCode.SharpZipLib.BZip2;
using ZstdSharp;

namespace Beacon.Conda.Packages;

/// <summary>A package archive that cannot be extracted safely: it names the package and the entry.</summary>
public sealed class PackageArchiveException(string message) : Exception(message);

/// <summary>
/// Extracts a conda package — <c>.conda</c> (a zip holding <c>info-*.tar.zst</c> and <c>pkg-*.tar.zst</c>) or
/// <c>.tar.bz2</c> — into a folder, trusting nothing in it: entry names must stay inside the folder (no absolute path,
/// no <c>..</c>); nothing is ever written through a symbolic link (every folder on an entry's path must be a real
/// folder extracted here, never a link or a file); symbolic links must point inside the package, checked lexically
/// when written and by resolving every link once all exist (a chain of links that only escapes together is refused);
/// a hard link must name a regular file this package already extracted; only files, folders and links are
/// accepted; and the expanded size and entry count are bounded.
/// </summary>
public static class PackageArchive
{
    /// <summary>No real conda package comes near it (CUDA's largest expand to a few GiB); a bomb stops here at the latest.</summary>
    public const long MaxExpandedBytes = 32L << 30;
    public const int MaxEntries = 500_000;

    /// <param name="name">How errors name the package (its channel file name); the archive's own file name by default.</param>
    public static void Extract(string archive, string destination, string? name = null)
    {
        name ??= Path.GetFileName(archive);
        try
        {
            ExtractArchive(archive, destination, name, Path.GetFileName(archive));
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or ZstdException or ICSharpCode.SharpZipLib.SharpZipBaseException
            or EndOfStreamException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new PackageArchiveException($"{name} cannot be extracted: {Parsing.Printable.Of(e.Message)}");
        }
    }

    private static void ExtractArchive(string archive, string destination, string name, string format)
    {
        Directory.CreateDirectory(destination);
        var budget = new Budget(name);
        if (format.EndsWith(".conda", StringComparison.Ordinal))
        {
            using var zip = ZipFile.OpenRead(archive);
            var parts = zip.Entries.Where(e => e.FullName.EndsWith(".tar.zst", StringComparison.Ordinal)
                && (e.FullName.StartsWith("info-", StringComparison.Ordinal) || e.FullName.StartsWith("pkg-", StringComparison.Ordinal))).ToList();
            if (!parts.Any(p => p.FullName.StartsWith("info-", StringComparison.Ordinal)))
            {
                throw new PackageArchiveException($"{name} is not a .conda package: it has no info-*.tar.zst");
            }
            foreach (var part in parts.OrderBy(p => p.FullName, StringComparer.Ordinal))
            {
                using var compressed = part.Open();
                using var tar = new DecompressionStream(compressed);
                ExtractTar(tar, destination, budget);
                if (part.FullName.StartsWith("info-", StringComparison.Ordinal))
                {
                    // The info part comes first: what paths.json declares bounds the files before one byte of them is written.
                    budget.Declare(PackageInfo.Read(destination, name).Paths, destination);
                }
            }
        }
        else if (format.EndsWith(".tar.bz2", StringComparison.Ordinal))
        {
            using var file = File.OpenRead(archive);
            using var tar = new BZip2InputStream(file);
            ExtractTar(tar, destination, budget);
        }
        else
        {
            throw new PackageArchiveException($"{name} is neither a .conda nor a .tar.bz2 package");
        }
        if (!File.Exists(Path.Combine(destination, "info", "index.json")))
        {
            throw new PackageArchiveException($"{name} has no info/index.json: not a conda package");
        }
    }

    private sealed class Budget(string package)
    {
        private Dictionary<string, long>? _declared;

        public string Package { get; } = package;
        public long Bytes { get; set; }
        public int Entries { get; set; }

        /// <summary>Takes paths.json's sizes: a package declaring more than the limit, or more than the disk holds, stops now.</summary>
        public void Declare(IReadOnlyList<PackagePath> paths, string destination)
        {
            _declared = paths.Where(p => p.Size is not null).GroupBy(p => p.Path, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Last().Size!.Value, StringComparer.Ordinal);
            var total = _declared.Values.Aggregate(0L, (a, b) => a > long.MaxValue - Math.Max(b, 0) ? long.MaxValue : a + Math.Max(b, 0));
            if (total > MaxExpandedBytes)
            {
                throw new PackageArchiveException($"{Package}: its paths.json declares {SafeFile.Size(total)}, more than the {SafeFile.Size(MaxExpandedBytes)} a package may expand to");
            }
            var free = new DriveInfo(Path.GetFullPath(destination)).AvailableFreeSpace;
            if (total > free)
            {
                throw new PackageArchiveException($"{Package}: its paths.json declares {SafeFile.Size(total)}; the disk under {destination} has {SafeFile.Size(free)} free");
            }
        }

        /// <summary>A file larger than paths.json says is refused before it is written (a bomb behind honest metadata).</summary>
        public void Check(string relative, long length, string name)
        {
            if (_declared is not null && _declared.TryGetValue(relative, out var size) && length != size)
            {
                throw new PackageArchiveException($"{Package}: entry '{name}' is {length} bytes; its paths.json says {size}");
            }
            Bytes += length;
            if (Bytes > MaxExpandedBytes)
            {
                throw new PackageArchiveException($"{Package} expands past {SafeFile.Size(MaxExpandedBytes)}");
            }
        }
    }

    private static void ExtractTar(Stream stream, string destination, Budget budget)
    {
        var root = Path.GetFullPath(destination).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        using var reader = new TarReader(stream);
        var links = new List<(string Path, string Name)>();
        // The folder's own real path: the checks below compare real paths with it (the folder may sit under a link).
        var realRoot = RealPath.Of(root).TrimEnd('/') + "/";
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (++budget.Entries > MaxEntries)
                {
                    throw new PackageArchiveException($"{budget.Package} has more than {MaxEntries} entries");
                }
                var relative = Relative(entry.Name, budget.Package);
                if (relative.Length == 0)
                {
                    continue; // "./" itself
                }
                var target = Path.GetFullPath(Path.Combine(root, relative));
                if (!target.StartsWith(root, StringComparison.Ordinal))
                {
                    throw new PackageArchiveException($"{budget.Package}: entry '{Parsing.Printable.Of(entry.Name)}' leaves the package");
                }
                var name = Parsing.Printable.Of(entry.Name);
                if (entry.EntryType is not (TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes))
                {
                    Folders(root, relative, name, budget);
                }
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        if (File.Exists(target) || new FileInfo(target).LinkTarget is not null)
                        {
                            throw new PackageArchiveException($"{budget.Package}: entry '{name}' is a folder where the package already put a file or link");
                        }
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        budget.Check(relative, entry.Length, name);
                        Replace(target, name, budget);
                        using (var output = new FileStream(target, System.IO.FileMode.CreateNew, FileAccess.Write))
                        {
                            entry.DataStream?.CopyTo(output);
                        }
                        SetMode(target, entry.Mode);
                        break;
                    case TarEntryType.SymbolicLink:
                        var linkTarget = entry.LinkName;
                        var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(target)!, linkTarget));
                        if (Path.IsPathRooted(linkTarget) || !(resolved + "/").StartsWith(root, StringComparison.Ordinal))
                        {
                            throw new PackageArchiveException($"{budget.Package}: symbolic link '{Parsing.Printable.Of(entry.Name)}' points outside the package ('{Parsing.Printable.Of(linkTarget)}')");
                        }
                        Replace(target, name, budget);
                        File.CreateSymbolicLink(target, linkTarget);
                        links.Add((target, name));
                        break;
                    case TarEntryType.HardLink:
                        // Only a regular file this package extracted, reached through real folders: never a link
                        // (which could name a host file) and never a path through one.
                        var sourceRelative = Relative(entry.LinkName, budget.Package);
                        var source = Path.GetFullPath(Path.Combine(root, sourceRelative));
                        if (sourceRelative.Length == 0 || !source.StartsWith(root, StringComparison.Ordinal) || RealPath.Of(source) != realRoot + sourceRelative
                            || !File.Exists(source) || new FileInfo(source).LinkTarget is not null)
                        {
                            throw new PackageArchiveException($"{budget.Package}: hard link '{name}' names no regular file this package extracted earlier ('{Parsing.Printable.Of(entry.LinkName)}')");
                        }
                        Replace(target, name, budget);
                        File.Copy(source, target);
                        break;
                    case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes:
                        break;
                    default:
                        throw new PackageArchiveException($"{budget.Package}: entry '{Parsing.Printable.Of(entry.Name)}' is a {entry.EntryType}, which a package may not hold");
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or ZstdException or ICSharpCode.SharpZipLib.SharpZipBaseException or EndOfStreamException)
        {
            throw new PackageArchiveException($"{budget.Package} is not a readable package: {e.Message}");
        }
        // With every link in place, each must still end inside the package: links that pass one by one can escape as
        // a chain (d/esc -> up/../../x written before d/up -> ..).
        foreach (var (path, name) in links)
        {
            string real;
            try
            {
                real = RealPath.Of(path);
            }
            catch (IOException e)
            {
                throw new PackageArchiveException($"{budget.Package}: symbolic link '{name}' {e.Message[(e.Message.IndexOf(' ', StringComparison.Ordinal) + 1)..]}");
            }
            if (!(real + "/").StartsWith(realRoot, StringComparison.Ordinal))
            {
                throw new PackageArchiveException($"{budget.Package}: symbolic link '{name}' leads outside the package through other links");
            }
        }
    }

    /// <summary>
    /// Creates the folders on an entry's path, each a real folder: a symbolic link there would send the entry (and all
    /// after it) elsewhere, and a file there cannot hold it.
    /// </summary>
    private static void Folders(string root, string relative, string name, Budget budget)
    {
        var current = root.TrimEnd(Path.DirectorySeparatorChar);
        var parts = relative.Split('/');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            current += "/" + parts[i];
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                throw new PackageArchiveException($"{budget.Package}: entry '{name}' would be written through the symbolic link '{string.Join('/', parts[..(i + 1)])}'");
            }
            if (info.Exists)
            {
                throw new PackageArchiveException($"{budget.Package}: entry '{name}' needs a folder where the package put the file '{string.Join('/', parts[..(i + 1)])}'");
            }
            Directory.CreateDirectory(current);
        }
    }

    /// <summary>The entry's path inside the package: no leading './', no absolute path, no '..' segment.</summary>
    private static string Relative(string name, string package)
    {
        var path = name.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }
        path = path.TrimEnd('/');
        if (path.StartsWith('/') || path.Split('/').Any(s => s == "..") || path.Contains('\0'))
        {
            throw new PackageArchiveException($"{package}: entry '{Parsing.Printable.Of(name)}' leaves the package");
        }
        return path;
    }

    /// <summary>A later entry of the same name replaces an earlier file or link (as tar does, never following the link); never a folder.</summary>
    private static void Replace(string target, string name, Budget budget)
    {
        if (new FileInfo(target).LinkTarget is not null || File.Exists(target))
        {
            File.Delete(target);
        }
        else if (Directory.Exists(target))
        {
            throw new PackageArchiveException($"{budget.Package}: entry '{name}' is a file where the package already put a folder");
        }
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            // Only permission bits: no setuid/setgid/sticky from a package.
            File.SetUnixFileMode(path, mode & (UnixFileMode)0b111_111_111);
        }
    }
}
