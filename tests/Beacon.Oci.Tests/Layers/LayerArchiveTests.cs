using System.Formats.Tar;
using System.IO.Compression;
using Beacon.Oci.Layers;
using Beacon.TestSupport;

namespace Beacon.Oci.Tests.Layers;

public sealed class LayerArchiveTests : IDisposable
{
    private readonly TempRepo _dir = new("beacon-layer-");

    private void Tree(string root, DateTime touched)
    {
        _dir.Write($"{root}/opt/conda/bin/tool", "#!/bin/sh\necho tool\n");
        File.SetUnixFileMode(_dir.Path_($"{root}/opt/conda/bin/tool"), (UnixFileMode)0b111_101_101);
        _dir.Write($"{root}/opt/conda/share/b.txt", "b\n");
        _dir.Write($"{root}/opt/conda/share/a.txt", "a\n");
        File.CreateSymbolicLink(_dir.Path_($"{root}/opt/conda/bin/alias"), "tool");
        foreach (var f in Directory.EnumerateFiles(_dir.Path_(root), "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).LinkTarget is null))
        {
            File.SetLastWriteTimeUtc(f, touched);
        }
    }

    [Fact]
    public void The_same_tree_gives_the_same_bytes_whatever_its_times_and_place()
    {
        Tree("one", new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Tree("two", new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc));
        var one = LayerArchive.Create(_dir.Path_("one"), _dir.Path_("one.tar.gz"));
        var two = LayerArchive.Create(_dir.Path_("two"), _dir.Path_("two.tar.gz"));
        Assert.Equal(File.ReadAllBytes(one.File), File.ReadAllBytes(two.File));
        Assert.Equal(one.DiffId, two.DiffId);
        Assert.Matches("^sha256:[0-9a-f]{64}$", one.Descriptor.Digest);
        Assert.Equal("application/vnd.oci.image.layer.v1.tar+gzip", one.Descriptor.MediaType);
    }

    [Fact]
    public void Entries_are_sorted_owned_by_root_with_their_modes_and_the_epoch_as_time()
    {
        Tree("one", DateTime.UtcNow);
        var blob = LayerArchive.Create(_dir.Path_("one"), _dir.Path_("one.tar.gz"));
        using var reader = new TarReader(new GZipStream(new MemoryStream(File.ReadAllBytes(blob.File)), CompressionMode.Decompress));
        var entries = new List<TarEntry>();
        while (reader.GetNextEntry() is { } e)
        {
            entries.Add(e);
        }
        Assert.Equal(["opt/", "opt/conda/", "opt/conda/bin/", "opt/conda/bin/alias", "opt/conda/bin/tool", "opt/conda/share/", "opt/conda/share/a.txt", "opt/conda/share/b.txt"],
            entries.Select(e => e.Name));
        Assert.All(entries, e => Assert.Equal((0, 0, DateTimeOffset.UnixEpoch), (e.Uid, e.Gid, e.ModificationTime)));
        Assert.Equal((UnixFileMode)0b111_101_101, entries.Single(e => e.Name == "opt/conda/bin/tool").Mode);
        Assert.Equal(("tool", TarEntryType.SymbolicLink), (entries.Single(e => e.Name == "opt/conda/bin/alias").LinkName, entries.Single(e => e.Name == "opt/conda/bin/alias").EntryType));
    }

    [Fact]
    public void Links_to_folders_are_single_entries_and_the_hashes_are_of_the_bytes_written()
    {
        _dir.Write("one/opt/conda/lib/real/data.txt", "data\n");
        File.CreateSymbolicLink(_dir.Path_("one/opt/conda/lib/alias"), "real");
        File.CreateSymbolicLink(_dir.Path_("one/opt/conda/lib/self"), ".");
        var blob = LayerArchive.Create(_dir.Path_("one"), _dir.Path_("one.tar.gz"));

        var gzip = File.ReadAllBytes(blob.File);
        var tar = new MemoryStream();
        using (var inflate = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress))
        {
            inflate.CopyTo(tar);
        }
        Assert.Equal(("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(gzip)), gzip.LongLength), (blob.Descriptor.Digest, blob.Descriptor.Size));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(tar.ToArray())), blob.DiffId);
        tar.Position = 0;
        using var reader = new TarReader(tar);
        var entries = new List<TarEntry>();
        while (reader.GetNextEntry() is { } e)
        {
            entries.Add(e);
        }
        Assert.Equal(["opt/", "opt/conda/", "opt/conda/lib/", "opt/conda/lib/alias", "opt/conda/lib/real/", "opt/conda/lib/real/data.txt", "opt/conda/lib/self"],
            entries.Select(e => e.Name));
        Assert.Equal([("real", TarEntryType.SymbolicLink), (".", TarEntryType.SymbolicLink)],
            entries.Where(e => e.Name is "opt/conda/lib/alias" or "opt/conda/lib/self").Select(e => (e.LinkName, e.EntryType)));
    }

    public void Dispose() => _dir.Dispose();
}
