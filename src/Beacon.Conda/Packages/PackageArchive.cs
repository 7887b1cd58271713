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
/// no <c>..</c>), symbolic links must point inside it, only files, folders, symbolic links and hard links to earlier
/// entries are accepted, and the expanded size and entry count are bounded.
/// </summary>
public static class PackageArchive
{
    public const long MaxExpandedBytes = 8L << 30;
    public const int MaxEntries = 500_000;

    public static void Extract(string archive, string destination)
    {
        var name = Path.GetFileName(archive);
        Directory.CreateDirectory(destination);
        var budget = new Budget(name);
        if (name.EndsWith(".conda", StringComparison.Ordinal))
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
            }
        }
        else if (name.EndsWith(".tar.bz2", StringComparison.Ordinal))
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
        public string Package { get; } = package;
        public long Bytes { get; set; }
        public int Entries { get; set; }
    }

    private static void ExtractTar(Stream stream, string destination, Budget budget)
    {
        var root = Path.GetFullPath(destination).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        using var reader = new TarReader(stream);
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
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        budget.Bytes += entry.Length;
                        if (budget.Bytes > MaxExpandedBytes)
                        {
                            throw new PackageArchiveException($"{budget.Package} expands past {SafeFile.Size(MaxExpandedBytes)}");
                        }
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        Replace(target);
                        using (var output = File.Create(target))
                        {
                            entry.DataStream?.CopyTo(output);
                        }
                        SetMode(target, entry.Mode);
                        break;
                    case TarEntryType.SymbolicLink:
                        var linkTarget = entry.LinkName;
                        var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(target)!, linkTarget));
                        if (Path.IsPathRooted(linkTarget) || !resolved.StartsWith(root, StringComparison.Ordinal))
                        {
                            throw new PackageArchiveException($"{budget.Package}: symbolic link '{Parsing.Printable.Of(entry.Name)}' points outside the package ('{Parsing.Printable.Of(linkTarget)}')");
                        }
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        Replace(target);
                        File.CreateSymbolicLink(target, linkTarget);
                        break;
                    case TarEntryType.HardLink:
                        var source = Path.GetFullPath(Path.Combine(root, Relative(entry.LinkName, budget.Package)));
                        if (!source.StartsWith(root, StringComparison.Ordinal) || !File.Exists(source))
                        {
                            throw new PackageArchiveException($"{budget.Package}: hard link '{Parsing.Printable.Of(entry.Name)}' names no earlier file of the package");
                        }
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        Replace(target);
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

    /// <summary>A later entry of the same name replaces an earlier one (as tar does); never follows a link already there.</summary>
    private static void Replace(string target)
    {
        if (File.Exists(target) || new FileInfo(target).LinkTarget is not null)
        {
            File.Delete(target);
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
