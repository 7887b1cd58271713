namespace Beacon.TestSupport;

/// <summary>
/// The test data committed under <c>tests/fixtures</c> (real repodata, conda's solver cases and test vectors, the
/// provider and GitHub schemas; see tests/fixtures/README.md for where each came from). Files over 100 KB are stored
/// zstd-compressed as <c>&lt;name&gt;.zst</c>: <see cref="ReadAllBytes"/> and <see cref="Files"/> make that invisible,
/// and channel folders need nothing, because the repodata reader takes <c>repodata.json.zst</c> itself.
/// </summary>
internal static class Fixtures
{
    public static string Root { get; } = RepoPaths.RepoFile("tests", "fixtures");

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>A real conda channel folder (conda's layout, <c>&lt;subdir&gt;/repodata.json[.zst]</c>).</summary>
    public static string Channel(string name) => Path("conda", "channels", name);

    /// <summary>The bytes of a fixture file, decompressed when it is stored as <c>.zst</c>.</summary>
    public static byte[] ReadAllBytes(params string[] parts)
    {
        var path = Path(parts);
        if (File.Exists(path))
        {
            return File.ReadAllBytes(path);
        }
        if (File.Exists(path + ".zst"))
        {
            return Decompress(path + ".zst");
        }
        throw new FileNotFoundException($"no fixture {path} (nor {path}.zst)");
    }

    public static string ReadAllText(params string[] parts) => System.Text.Encoding.UTF8.GetString(ReadAllBytes(parts));

    /// <summary>The fixtures of a folder matching <paramref name="extension"/> (".json"), whether stored plain or as .zst, with their logical names.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Files(string extension, params string[] folder)
    {
        var dir = Path(folder);
        foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            var name = System.IO.Path.GetFileName(file);
            if (name.EndsWith(extension, StringComparison.Ordinal))
            {
                yield return (name, File.ReadAllBytes(file));
            }
            else if (name.EndsWith(extension + ".zst", StringComparison.Ordinal))
            {
                yield return (name[..^4], Decompress(file));
            }
        }
    }

    private static byte[] Decompress(string path)
    {
        using var input = File.OpenRead(path);
        using var zstd = new ZstdSharp.DecompressionStream(input);
        using var output = new MemoryStream();
        zstd.CopyTo(output);
        return output.ToArray();
    }
}
