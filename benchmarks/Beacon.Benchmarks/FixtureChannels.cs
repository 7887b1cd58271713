namespace Beacon.Benchmarks;

/// <summary>
/// The real channels committed under tests/fixtures/conda/channels (provenance in tests/fixtures/README.md). The large
/// ones are stored as <c>repodata.json.zst</c>; the load benchmarks measure reading plain <c>repodata.json</c>, as a
/// channel serves it, so the fixtures are expanded once into a folder under the temp directory.
/// </summary>
public static class FixtureChannels
{
    public static string Root { get; } = Path.Combine(FindRepositoryRoot(), "tests", "fixtures", "conda", "channels");

    /// <summary>A plain-JSON copy of fixture channel <paramref name="name"/>.</summary>
    public static string Plain(string name)
    {
        var source = Path.Combine(Root, name);
        var target = Path.Combine(Path.GetTempPath(), "beacon-bench-channels", name);
        foreach (var file in Directory.EnumerateFiles(source, "repodata.json*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var plain = Path.Combine(target, relative.EndsWith(".zst", StringComparison.Ordinal) ? relative[..^4] : relative);
            if (File.Exists(plain) && File.GetLastWriteTimeUtc(plain) >= File.GetLastWriteTimeUtc(file))
            {
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(plain)!);
            var bytes = File.ReadAllBytes(file);
            File.WriteAllBytes(plain, file.EndsWith(".zst", StringComparison.Ordinal) ? Beacon.Conda.Repodata.RepodataReader.Decompress(bytes) : bytes);
        }
        return target;
    }

    public static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Beacon.Iac.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
