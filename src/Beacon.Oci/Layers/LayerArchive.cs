using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Beacon.Oci.Images;

namespace Beacon.Oci.Layers;

/// <summary>
/// A built layer: its gzip blob in <paramref name="File"/> (what a registry stores, described by
/// <paramref name="Descriptor"/>) and the sha256 of the uncompressed tar (the config's diff id).
/// </summary>
public sealed record LayerBlob(string File, Descriptor Descriptor, string DiffId)
{
    public Stream Open() => new FileStream(File, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
}

/// <summary>
/// A reproducible layer from a folder that stands for '/': every entry (folders included, so parents exist) in ordinal
/// path order, owned by 0:0, with its own permission bits and a fixed modification time, written as GNU tar (long
/// names and link targets), then gzip-compressed. The same tree gives the same bytes, so the same digest, on every
/// machine and every run. The tree is walked without following links (a link to a folder, even <c>lib/self -> .</c>,
/// is one entry, as Docker stores it), and the tar streams through both hashes and gzip into a file: memory does not
/// grow with the files or the layer.
/// </summary>
public static class LayerArchive
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    /// <summary>Archives <paramref name="root"/> into <paramref name="output"/> (created; it must not exist).</summary>
    public static LayerBlob Create(string root, string output)
    {
        var full = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        using var diffId = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size;
        using (var file = new FileStream(output, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var hashedGzip = new HashingStream(file, digest);
            using (var gzip = new GZipStream(hashedGzip, CompressionLevel.Optimal, leaveOpen: true))
            using (var tar = new TarWriter(new HashingStream(gzip, diffId), TarEntryFormat.Gnu, leaveOpen: false))
            {
                foreach (var relative in Entries(full))
                {
                    var (entry, data) = Entry(full, relative);
                    using (data)
                    {
                        tar.WriteEntry(entry);
                    }
                }
            }
            size = hashedGzip.Length;
        }
        var descriptor = new Descriptor(MediaTypes.OciLayerGzip, "sha256:" + Convert.ToHexStringLower(digest.GetHashAndReset()), size);
        return new LayerBlob(output, descriptor, "sha256:" + Convert.ToHexStringLower(diffId.GetHashAndReset()));
    }

    /// <summary>Every path under the root, listed folder by folder without descending into a link.</summary>
    private static List<string> Entries(string root)
    {
        var result = new List<string>();
        var pending = new Stack<(string Path, string Relative)>();
        pending.Push((root, ""));
        while (pending.Count > 0)
        {
            var (folder, relative) = pending.Pop();
            foreach (var path in Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { AttributesToSkip = 0, ReturnSpecialDirectories = false }))
            {
                var name = relative + Path.GetFileName(path);
                result.Add(name);
                if (new FileInfo(path).LinkTarget is null && Directory.Exists(path))
                {
                    pending.Push((path, name + "/"));
                }
            }
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static (GnuTarEntry Entry, Stream? Data) Entry(string root, string relative)
    {
        var path = Path.Combine(root, relative);
        var info = new FileInfo(path);
        GnuTarEntry entry;
        Stream? data = null;
        if (info.LinkTarget is { } target)
        {
            entry = new GnuTarEntry(TarEntryType.SymbolicLink, relative) { LinkName = target, Mode = (UnixFileMode)0b111_111_111 };
        }
        else if (Directory.Exists(path))
        {
            entry = new GnuTarEntry(TarEntryType.Directory, relative + "/") { Mode = Mode(path) };
        }
        else if (info.Exists)
        {
            // The stage holds only what the installer made (regular files, folders, links): no FIFO or device to block a read.
            data = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            entry = new GnuTarEntry(TarEntryType.RegularFile, relative) { Mode = Mode(path), DataStream = data };
        }
        else
        {
            throw new IOException($"{path} vanished while its layer was written");
        }
        entry.ModificationTime = Epoch;
        entry.AccessTime = Epoch;
        entry.ChangeTime = Epoch;
        entry.Uid = 0;
        entry.Gid = 0;
        entry.UserName = "";
        entry.GroupName = "";
        return (entry, data);
    }

    private static UnixFileMode Mode(string path) =>
        OperatingSystem.IsWindows() ? (UnixFileMode)0b110_100_100 : File.GetUnixFileMode(path) & (UnixFileMode)0b111_111_111;
}
