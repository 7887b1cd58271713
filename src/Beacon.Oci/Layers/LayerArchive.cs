using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Beacon.Oci.Images;

namespace Beacon.Oci.Layers;

/// <summary>A built layer: its gzip blob (what a registry stores) and the sha256 of the uncompressed tar (the config's diff id).</summary>
public sealed record LayerBlob(byte[] Gzip, string DiffId)
{
    public Descriptor Descriptor => Descriptor.Of(MediaTypes.OciLayerGzip, Gzip);
}

/// <summary>
/// A reproducible layer from a folder that stands for '/': every entry (folders included, so parents exist) in ordinal
/// path order, owned by 0:0, with its own permission bits and a fixed modification time, written as GNU tar (long
/// names and link targets), then gzip-compressed. The same tree gives the same bytes, so the same digest, on every
/// machine and every run.
/// </summary>
public static class LayerArchive
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    public static LayerBlob Create(string root)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var relative in Entries(root))
            {
                writer.WriteEntry(Entry(root, relative));
            }
        }
        var tarBytes = tar.ToArray();
        var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.Optimal, leaveOpen: true))
        {
            compressor.Write(tarBytes);
        }
        return new LayerBlob(gzip.ToArray(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tarBytes)));
    }

    private static IEnumerable<string> Entries(string root)
    {
        var full = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        // Directories are listed without following links: a symbolic link to a folder is an entry, not a walk.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        return Directory.EnumerateFileSystemEntries(full, "*", options)
            .Select(p => Path.GetRelativePath(full, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
    }

    private static GnuTarEntry Entry(string root, string relative)
    {
        var path = Path.Combine(root, relative);
        var info = new FileInfo(path);
        GnuTarEntry entry;
        if (info.LinkTarget is { } target)
        {
            entry = new GnuTarEntry(TarEntryType.SymbolicLink, relative) { LinkName = target, Mode = (UnixFileMode)0b111_111_111 };
        }
        else if (Directory.Exists(path))
        {
            entry = new GnuTarEntry(TarEntryType.Directory, relative + "/") { Mode = Mode(path) };
        }
        else
        {
            entry = new GnuTarEntry(TarEntryType.RegularFile, relative) { Mode = Mode(path), DataStream = new MemoryStream(File.ReadAllBytes(path)) };
        }
        entry.ModificationTime = Epoch;
        entry.AccessTime = Epoch;
        entry.ChangeTime = Epoch;
        entry.Uid = 0;
        entry.Gid = 0;
        entry.UserName = "";
        entry.GroupName = "";
        return entry;
    }

    private static UnixFileMode Mode(string path) =>
        OperatingSystem.IsWindows() ? (UnixFileMode)0b110_100_100 : File.GetUnixFileMode(path) & (UnixFileMode)0b111_111_111;
}
