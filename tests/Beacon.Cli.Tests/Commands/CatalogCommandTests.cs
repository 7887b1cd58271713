using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>
/// <c>beacon catalog</c> as a user runs it: the folder written whole and the same twice, nothing written when the gate
/// fails, and never over someone's other files. The page itself is tested in chromium (Beacon.Catalog.Tests).
/// </summary>
public sealed class CatalogCommandTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-catalog-cli-");

    public CatalogCommandTests() => _repo.CopyExample();

    private ProcessResult Beacon(params string[] args) =>
        ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(1), args);

    [Fact]
    public void The_catalog_is_written_into_the_repository_and_the_same_twice()
    {
        var first = Beacon("catalog");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal("wrote .beacon/catalog/index.html: 7 layers, 5 stacks\n", first.Stdout);
        var files = Directory.GetFiles(_repo.Path_(".beacon/catalog")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["catalog-data.js", "catalog.css", "catalog.js", "conda.js", "favicon.svg", "index.html"], files.Select(Path.GetFileName));
        var bytes = files.Select(File.ReadAllBytes).ToList();

        Assert.Equal(0, Beacon("catalog").ExitCode);
        Assert.Equal(bytes, files.Select(File.ReadAllBytes));
        var out2 = Beacon("catalog", "--output", "site");
        Assert.Equal("wrote site/index.html: 7 layers, 5 stacks\n", out2.Stdout);
        Assert.Equal(bytes[0], File.ReadAllBytes(_repo.Path_("site/catalog-data.js")));
    }

    [Fact]
    public void A_lock_the_channel_does_not_vouch_for_stops_it_with_the_gates_diagnostics()
    {
        var lockFile = _repo.Path_("layers/notebook.lock");
        var text = File.ReadAllText(lockFile);
        File.WriteAllText(lockFile, text.Replace("#sha256:bbcb78faab478a23ec0faf67f40d45bb330bda9b1c2cce77f3f812a1920697c4",
            "#sha256:" + new string('0', 64), StringComparison.Ordinal));
        var r = Beacon("catalog");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("layers/notebook.lock(", r.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("catalog not written: the gate failed ('beacon check' shows the same)\n", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_repo.Path_(".beacon/catalog")));
        // The advice, followed: check reports the very diagnostics the catalog stopped on.
        var check = Beacon("check");
        Assert.Equal(1, check.ExitCode);
        var diagnostics = r.Stderr.Split('\n').Where(l => l.Contains(": error BEA", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.Contains(d.Replace("beacon catalog", "beacon check", StringComparison.Ordinal), check.Stderr, StringComparison.Ordinal));
    }

    [Fact]
    public void A_folder_with_other_files_is_refused_and_left_as_it_was()
    {
        _repo.Write("docs/index.md", "# ours\n");
        var r = Beacon("catalog", "--output", "docs");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("beacon catalog: error BEA0610: cannot write 'docs': it holds other files and no catalog-data.js; give an empty or new folder for the catalog\n", r.Stderr);
        Assert.Equal(["index.md"], Directory.GetFileSystemEntries(_repo.Path_("docs")).Select(Path.GetFileName));
    }

    public void Dispose() => _repo.Dispose();
}
