using Beacon.Layers.Loading;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Loading;

/// <summary>
/// The corpus of broken repositories: each folder under Corpus/ overlays one mistake on Corpus/_base and pins the
/// exact diagnostics (file, line, column, code, text) in its expected.txt.
/// </summary>
public class BrokenDocumentTests
{
    private static readonly string CorpusDir = Path.Combine(RepoPaths.SourceDir(), "..", "Corpus");

    /// <summary>Mistakes that cannot be committed as files (too big, binary, symlinks) are made by code.</summary>
    private static readonly Dictionary<string, Action<TempRepo>> Generated = new()
    {
        ["huge-file"] = repo => repo.Write("layers/child.yaml", "name: child\nparent: core\n" + new string('#', 10 * 1024 * 1024)),
        ["binary-file"] = repo => repo.WriteBytes("layers/child.yaml", [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x00]),
        ["invalid-utf8"] = repo => repo.WriteBytes("layers/child.yaml", [.. "name: chi"u8, 0xff, 0xfe, .. "ld\n"u8]),
        ["symlink-outside"] = repo => repo.MakeLink("layers/child.yaml", "/etc/hostname"),
        ["dangling-symlink"] = repo => repo.MakeLink("layers/child.yaml", "gone.yaml"),
        // Issue 10, defect 4: each of these crashed or hung the process.
        ["fifo-layer"] = repo => repo.MakeFifo("layers/child.yaml"),
        ["fifo-workload"] = repo => repo.MakeFifo("workloads/app.yaml"),
        ["link-to-dev-zero"] = repo => repo.MakeLink("layers/child.yaml", "/dev/zero"),
        ["deep-yaml-nesting"] = repo => repo.Write("layers/child.yaml", "name: child\nparent: core\ndependencies: " + new string('[', 50_000) + new string(']', 50_000) + "\n"),
        ["deep-spec-nesting"] = repo => repo.Write("layers/child.yaml", "name: child\nparent: core\ndependencies:\n  - numpy " + new string('(', 40) + ">=1" + new string(')', 40) + "\n"),
        ["long-spec"] = repo => repo.Write("layers/child.yaml", "name: child\nparent: core\ndependencies:\n  - numpy " + new string('(', 60_000) + ">=1" + new string(')', 60_000) + "\n"),
        ["no-layers"] = repo =>
        {
            foreach (var file in Directory.GetFiles(repo.Path_("layers")))
            {
                File.Delete(file);
            }
        },
    };

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(CorpusDir).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (dir != "_base")
            {
                data.Add(dir!);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_mistake_gives_its_exact_diagnostics(string name)
    {
        using var repo = new TempRepo();
        repo.CopyFrom(Path.Combine(CorpusDir, "_base"));
        repo.CopyFrom(Path.Combine(CorpusDir, name));
        if (Generated.TryGetValue(name, out var make))
        {
            make(repo);
        }

        var result = WorkspaceLoader.Load(repo.Root);

        Assert.False(result.Success);
        Assert.Null(result.Workspace);
        var text = string.Join("\n", result.Diagnostics.Select(d => d.ToString())) + "\n";
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Snapshot.MatchFile(text, Path.Combine(CorpusDir, name, "expected.txt"));
    }

    [Fact]
    public void Every_generated_case_has_a_folder() =>
        Assert.All(Generated.Keys, k => Assert.True(Directory.Exists(Path.Combine(CorpusDir, k)), $"Corpus/{k}/ missing"));

    [Fact]
    public void The_base_repository_is_valid()
    {
        using var repo = new TempRepo();
        repo.CopyFrom(Path.Combine(CorpusDir, "_base"));
        var result = WorkspaceLoader.Load(repo.Root);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Equal(["core", "child"], result.Workspace!.Tree.TopologicalOrder.Select(l => l.Name));
    }
}
