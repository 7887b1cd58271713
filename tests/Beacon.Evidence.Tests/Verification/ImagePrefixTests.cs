using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Beacon.Evidence.Verification;
using Beacon.TestSupport;

namespace Beacon.Evidence.Tests.Verification;

/// <summary>
/// The prefix an image's layers make, read as the OCI image spec applies layers: whiteouts remove a path and its
/// subtree, an opaque whiteout empties a folder of the lower layers only, a file over a folder replaces it, hard links
/// carry their target's content, and plain, gzip and zstd layers read the same.
/// </summary>
public sealed class ImagePrefixTests : IDisposable
{
    private readonly TempRepo _dir = new("beacon-image-prefix-");
    private int _layers;

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private string Layer(Func<Stream, Stream> compress, params (string Name, TarEntryType Type, string Content)[] entries)
    {
        var path = _dir.Path_($"layer-{_layers++}");
        using (var file = File.Create(path))
        using (var compressed = compress(file))
        using (var tar = new TarWriter(compressed, TarEntryFormat.Pax))
        {
            foreach (var (name, type, content) in entries)
            {
                var entry = new PaxTarEntry(type, name);
                if (type == TarEntryType.RegularFile)
                {
                    entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
                    // Scripts ("#!…") are written executable (0755), other files 0644: the proof compares the x bits.
                    entry.Mode = content.StartsWith("#!", StringComparison.Ordinal)
                        ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                        : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                }
                else if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                {
                    entry.LinkName = content;
                }
                tar.WriteEntry(entry);
            }
        }
        return path;
    }

    private string Plain(params (string, TarEntryType, string)[] entries) => Layer(s => s, entries);

    private static (string, TarEntryType, string) F(string name, string content) => (name, TarEntryType.RegularFile, content);

    [Fact]
    public void Files_links_and_hard_links_under_the_prefix_are_read_and_the_rest_is_left_out()
    {
        var layer = Plain(F("etc/passwd", "root"), ("opt/conda/", TarEntryType.Directory, ""), F("./opt/conda/bin/tool", "#!/bin/sh\n"),
            ("opt/conda/bin/python", TarEntryType.SymbolicLink, "python3.11"), ("opt/conda/bin/tool2", TarEntryType.HardLink, "opt/conda/bin/tool"),
            F("opt/conda/conda-meta/x-1-0.json", "{}"));
        var prefix = ImagePrefix.Read([layer], "/opt/conda");
        Assert.Equal(["bin/python", "bin/tool", "bin/tool2", "conda-meta/x-1-0.json"], prefix.Paths.Order(StringComparer.Ordinal));
        Assert.True(prefix.TryGet("bin/tool", out var tool));
        Assert.Equal(PrefixEntry.OfFile(Sha("#!/bin/sh\n"), 10, executable: true), tool);
        Assert.True(prefix.TryGet("conda-meta/x-1-0.json", out var record));
        Assert.False(record.Executable);
        Assert.True(prefix.TryGet("bin/tool2", out var hard));
        Assert.Equal(tool, hard);
        Assert.True(prefix.TryGet("bin/python", out var link));
        Assert.Equal(PrefixEntry.OfLink("python3.11"), link);
        Assert.Equal("{}", Encoding.UTF8.GetString(prefix.Record("conda-meta/x-1-0.json")!));
    }

    [Fact]
    public void Whiteouts_remove_a_path_and_its_subtree_and_an_opaque_folder_keeps_only_its_own_layer()
    {
        var lower = Plain(F("opt/conda/a.txt", "a"), F("opt/conda/lib/x/1.py", "1"), F("opt/conda/lib/x/2.py", "2"), F("opt/conda/share/s/old", "o"),
            F("opt/conda/keep", "k"), F("opt/conda/conda-meta/p-1-0.json", "{}"));
        var upper = Plain(("opt/conda/.wh.a.txt", TarEntryType.RegularFile, ""), ("opt/conda/lib/.wh.x", TarEntryType.RegularFile, ""),
            ("opt/conda/share/s/.wh..wh..opq", TarEntryType.RegularFile, ""), F("opt/conda/share/s/new", "n"),
            ("opt/conda/conda-meta/.wh.p-1-0.json", TarEntryType.RegularFile, ""));
        var prefix = ImagePrefix.Read([lower, upper], "/opt/conda");
        Assert.Equal(["keep", "share/s/new"], prefix.Paths.Order(StringComparer.Ordinal));
        Assert.Null(prefix.Record("conda-meta/p-1-0.json"));
    }

    [Fact]
    public void A_file_or_link_over_a_folder_replaces_the_folder_and_what_was_under_it()
    {
        var lower = Plain(F("opt/conda/lib/d/inner.txt", "i"), F("opt/conda/lib/e/inner.txt", "i"));
        var upper = Plain(F("opt/conda/lib/d", "now a file"), ("opt/conda/lib/e", TarEntryType.SymbolicLink, "d"));
        var prefix = ImagePrefix.Read([lower, upper], "/opt/conda");
        Assert.Equal(["lib/d", "lib/e"], prefix.Paths.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_name_with_dot_dot_is_read_where_it_lands_never_outside_the_root()
    {
        var layer = Plain(F("opt/conda/lib/../hidden.txt", "h"), F("../../opt/conda/escape.txt", "e"), F("opt/other/../conda/./x", "x"));
        Assert.Equal(["escape.txt", "hidden.txt", "x"], ImagePrefix.Read([layer], "/opt/conda").Paths.Order(StringComparer.Ordinal));
        Assert.Equal("a/c", TarPaths.Normalise("./a\\b/../c/"));
    }

    [Fact]
    public void Plain_gzip_and_zstd_layers_read_the_same()
    {
        (string, TarEntryType, string)[] entries = [F("opt/conda/bin/a", "alpha"), ("opt/conda/bin/b", TarEntryType.SymbolicLink, "a")];
        var plain = ImagePrefix.Read([Plain(entries)], "/opt/conda");
        var gzip = ImagePrefix.Read([Layer(s => new GZipStream(s, CompressionLevel.Fastest), entries)], "/opt/conda");
        var zstd = ImagePrefix.Read([Layer(s => new ZstdSharp.CompressionStream(s), entries)], "/opt/conda");
        Assert.Equal(plain.Entries.OrderBy(e => e.Key), gzip.Entries.OrderBy(e => e.Key));
        Assert.Equal(plain.Entries.OrderBy(e => e.Key), zstd.Entries.OrderBy(e => e.Key));
    }

    [Fact]
    public void A_layer_that_is_not_a_tar_archive_is_named_not_thrown_raw()
    {
        var path = _dir.Path_("garbage");
        File.WriteAllBytes(path, [0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8]);
        var e = Assert.Throws<ImageLayerException>(() => ImagePrefix.Read([path], "/opt/conda"));
        Assert.StartsWith("layer garbage is not a readable tar archive: ", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
