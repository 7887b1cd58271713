using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Gate;

/// <summary>
/// The gate's corpus: each case makes one change to a copy of the example organisation (whose committed locks pass)
/// and pins the gate's exact diagnostics in Gate/Corpus/&lt;case&gt;.txt — one case for every lock and gate code.
/// </summary>
public class GateCorpusTests
{
    private static readonly string CorpusDir = Path.Combine(RepoPaths.SourceDir(), "Corpus");

    private static void Edit(TempRepo repo, string file, string from, string to)
    {
        var path = repo.Path_(file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    private static void DropLine(TempRepo repo, string file, string containing)
    {
        var path = repo.Path_(file);
        var lines = File.ReadAllLines(path);
        Assert.Contains(lines, l => l.Contains(containing, StringComparison.Ordinal));
        File.WriteAllLines(path, lines.Where(l => !l.Contains(containing, StringComparison.Ordinal)));
    }

    private static readonly Dictionary<string, Action<TempRepo>> Cases = new()
    {
        ["invalid-lock-file"] = repo => File.WriteAllText(repo.Path_("layers/snowflake.lock"), "not a lock\n"),
        ["missing-lock"] = repo => File.Delete(repo.Path_("layers/snowflake.lock")),
        ["stale-lock"] = repo => Edit(repo, "layers/snowflake.yaml", "  - snowflake-connector-python >=3.10\n", "  - snowflake-connector-python >=3.10\n  - pyarrow\n"),
        ["parent-lock-changed"] = repo => File.AppendAllText(repo.Path_("layers/core.lock"), "\n"),
        ["parent-record-altered"] = repo => DropLine(repo, "layers/snowflake.lock", "/python-3.11"),
        ["dependency-not-in-lock"] = repo => DropLine(repo, "layers/snowflake.lock", "/snowflake-connector-python-"),
        ["virtual-requirement-unmet"] = repo => Edit(repo, "layers/gpu-ml.lock", "# constrains-virtual: __cuda >=12.4", "# constrains-virtual: __cuda >=13"),
        ["gpu-layer-without-gpu"] = repo => Edit(repo, "layers/gpu-ml.yaml", "hardware: gpu\n", "hardware: cpu-large\n"),
        ["orphan-lock"] = repo => File.Copy(repo.Path_("layers/snowflake.lock"), repo.Path_("layers/snowflake-old.lock")),
        ["lock-header-mismatch"] = repo => Edit(repo, "layers/snowflake.lock", "# layer: snowflake\n", "# layer: r-analytics\n"),
        ["workload-layer-lacks-requirement"] = repo => Edit(repo, "workloads/risk-batch.yaml", "hardware: cpu-large\n", "hardware: cpu-large\nlayer: core\n"),
        ["no-acceptable-layer"] = repo => Edit(repo, "workloads/risk-batch.yaml", "  - pyarrow\n", "  - pyarrow\n  - quantlib\n"),
        ["interrupted-lock"] = repo => File.WriteAllText(repo.Path_("layers/.beacon-lock-journal"), "layers/core.lock\n"),
    };

    public static TheoryData<string> Names() => [.. Cases.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_change_gives_its_exact_gate_diagnostics(string name)
    {
        using var repo = new TempRepo("beacon-gate-");
        repo.CopyExample();
        Cases[name](repo);
        var loaded = WorkspaceLoader.Load(repo.Root);
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        var gate = LockGate.Run(loaded.Workspace!);
        Assert.False(gate.Passed);
        Snapshot.MatchFile(string.Concat(gate.Diagnostics.Select(d => d + "\n")), Path.Combine(CorpusDir, name + ".txt"));
    }

    [Fact]
    public void The_example_as_committed_passes()
    {
        var gate = LockGate.Run(WorkspaceLoader.Load(RepoPaths.Root).Workspace!);
        Assert.True(gate.Passed, string.Join("\n", gate.Diagnostics));
        Assert.Equal(5, gate.Locks.Count);
    }

    [Fact]
    public void Every_case_has_its_pinned_file_and_no_file_lacks_a_case()
    {
        var files = Directory.EnumerateFiles(CorpusDir, "*.txt").Select(Path.GetFileNameWithoutExtension).Where(n => !n!.EndsWith(".received", StringComparison.Ordinal));
        Assert.Equal(Cases.Keys.Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));
    }
}
