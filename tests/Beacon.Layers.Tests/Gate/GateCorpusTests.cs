using Beacon.Conda.Channels;
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

    private static void ReplaceHash(TempRepo repo, string file, string containing)
    {
        var path = repo.Path_(file);
        var text = File.ReadAllText(path);
        var line = text.Split('\n').First(l => l.Contains(containing, StringComparison.Ordinal));
        var hash = line[(line.IndexOf("sha256:", StringComparison.Ordinal) + 7)..];
        File.WriteAllText(path, text.Replace(line, line.Replace(hash, new string('0', 64), StringComparison.Ordinal), StringComparison.Ordinal));
    }

    private static void DuplicateLine(TempRepo repo, string file, string containing)
    {
        var path = repo.Path_(file);
        var lines = File.ReadAllLines(path).ToList();
        var at = lines.FindIndex(l => l.Contains(containing, StringComparison.Ordinal));
        Assert.True(at >= 0);
        lines.Insert(at + 1, lines[at]);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    private static void AddLine(TempRepo repo, string file, string prefix) =>
        File.AppendAllText(repo.Path_(file), prefix + new string('1', 64) + "\n");

    private static readonly Dictionary<string, Action<TempRepo>> Cases = new()
    {
        ["invalid-lock-file"] = repo => File.WriteAllText(repo.Path_("layers/snowflake.lock"), "not a lock\n"),
        ["missing-lock"] = repo => File.Delete(repo.Path_("layers/snowflake.lock")),
        ["stale-lock"] = repo => Edit(repo, "layers/snowflake.yaml", "  - snowflake-connector-python >=3.10\n", "  - snowflake-connector-python >=3.10\n  - pyarrow\n"),
        // What a merge leaves when another branch relocked the parent: the child names a parent lock that is not the one
        // in the tree (its records are still the parent's and the channels', so only the parent hash is out of date).
        ["parent-lock-changed"] = repo => Edit(repo, "layers/snowflake.lock", "# parent-lock-sha256: dcc8", "# parent-lock-sha256: 0000"),
        // A root lock without its base image's pin (written before pins, or the line deleted): images would follow the tag.
        ["base-image-not-pinned"] = repo => DropLine(repo, "layers/core.lock", "# base-image: "),
        // base-image edited without locking again: the pin belongs to another image.
        ["base-image-changed-after-locking"] = repo => Edit(repo, "layers/core.yaml", "base-image: mambaorg/micromamba:1.5.8\n", "base-image: mambaorg/micromamba:2.0.5\n"),
        ["trailing-blank-line"] = repo => File.AppendAllText(repo.Path_("layers/core.lock"), "\n"),
        ["missing-final-newline"] = repo => File.WriteAllText(repo.Path_("layers/core.lock"), File.ReadAllText(repo.Path_("layers/core.lock")).TrimEnd('\n')),
        ["parent-record-altered"] = repo => DropLine(repo, "layers/snowflake.lock", "/python-3.11"),
        ["dependency-not-in-lock"] = repo => DropLine(repo, "layers/snowflake.lock", "/snowflake-connector-python-"),
        // The system lowered under a lock solved for a newer driver: stale, and its packages' virtual needs unmet.
        ["virtual-requirement-unmet"] = repo => Edit(repo, "layers/gpu-ml.yaml", "__cuda: \"12.4\"", "__cuda: \"11.8\""),
        ["hand-edited-virtual-constraint"] = repo => Edit(repo, "layers/gpu-ml.lock", "# constrains-virtual: __cuda >=12.4", "# constrains-virtual: __cuda >=13"),
        ["gpu-layer-without-gpu"] = repo => Edit(repo, "layers/gpu-ml.yaml", "hardware: gpu\n", "hardware: cpu-large\n"),
        ["orphan-lock"] = repo => File.Copy(repo.Path_("layers/snowflake.lock"), repo.Path_("layers/snowflake-old.lock")),
        ["lock-header-mismatch"] = repo => Edit(repo, "layers/snowflake.lock", "# layer: snowflake\n", "# layer: r-analytics\n"),
        ["workload-layer-lacks-requirement"] = repo => Edit(repo, "workloads/risk-batch.yaml", "hardware: cpu-large\n", "hardware: cpu-large\nlayer: core\n"),
        ["no-acceptable-layer"] = repo => Edit(repo, "workloads/risk-batch.yaml", "  - pyarrow\n", "  - pyarrow\n  - quantlib\n"),
        ["interrupted-lock"] = repo => File.WriteAllText(repo.Path_("layers/.beacon-lock-journal"), "layers/core.lock\n"),
        // The hand edits a hostile pull request could make (issue 10): each caught against the channel's repodata.
        ["record-from-another-host"] = repo => Edit(repo, "layers/snowflake.lock",
            "https://conda.anaconda.org/conda-forge/linux-64/snowflake-connector-python-3.10.0-py311hb2e8a5f_0.conda#sha256:",
            "https://evil.example/conda-forge/linux-64/snowflake-connector-python-3.10.1-py311hb2e8a5f_0.conda#sha256:"),
        ["record-over-http"] = repo => Edit(repo, "layers/snowflake.lock",
            "https://conda.anaconda.org/conda-forge/linux-64/snowflake-connector-python-", "http://conda.anaconda.org/conda-forge/linux-64/snowflake-connector-python-"),
        ["record-from-a-file"] = repo => Edit(repo, "layers/snowflake.lock",
            "https://conda.anaconda.org/conda-forge/linux-64/snowflake-connector-python-3.10.0-py311hb2e8a5f_0.conda", "file:///etc/snowflake-connector-python-3.10.0-py311hb2e8a5f_0.conda"),
        ["record-with-another-version"] = repo => Edit(repo, "layers/snowflake.lock",
            "snowflake-connector-python-3.10.0-py311hb2e8a5f_0.conda", "snowflake-connector-python-3.9.9-py311hb2e8a5f_0.conda"),
        ["record-with-another-sha256"] = repo => ReplaceHash(repo, "layers/snowflake.lock", "/snowflake-connector-python-"),
        ["root-record-with-another-sha256"] = repo => ReplaceHash(repo, "layers/core.lock", "/python-3.11"),
        ["lock-schema-99"] = repo => Edit(repo, "layers/snowflake.lock", "# beacon-lock: 1\n", "# beacon-lock: 99\n"),
        ["second-layer-header"] = repo => Edit(repo, "layers/snowflake.lock", "# layer: snowflake\n", "# layer: snowflake\n# layer: core\n"),
        ["duplicated-record"] = repo => DuplicateLine(repo, "layers/snowflake.lock", "/snowflake-connector-python-"),
        ["two-versions-of-a-package"] = repo => AddLine(repo, "layers/snowflake.lock", "https://conda.anaconda.org/conda-forge/linux-64/snowflake-connector-python-3.9.0-py311hb2e8a5f_0.conda#sha256:"),
        ["deleted-dependency-record"] = repo => DropLine(repo, "layers/snowflake.lock", "/tomlkit-"),
        ["deleted-requires-virtual"] = repo => DropLine(repo, "layers/gpu-ml.lock", "# requires-virtual:"),
        // Issue 10, defect 4: a lock that would block, never end, or fill memory is refused without being read.
        ["lock-is-a-fifo"] = repo => repo.MakeFifo("layers/snowflake.lock"),
        ["lock-links-to-dev-zero"] = repo => repo.MakeLink("layers/snowflake.lock", "/dev/zero"),
        ["lock-of-300-mb"] = repo => repo.MakeSparse("layers/snowflake.lock", 300L << 20),
        // Issue 13: a pull request that changes a workload's owners without regenerating CODEOWNERS.
        ["codeowners-stale"] = repo =>
        {
            repo.Write(".github/CODEOWNERS", File.ReadAllText(RepoPaths.RepoFile(".github", "CODEOWNERS")));
            Edit(repo, "workloads/risk-batch.yaml", "owners: [\"@acme/risk\"]", "owners: [\"@acme/risk\", \"@mallory\"]");
        },
        // Issue 18: a channel record whose file name names another package than its fields is left out (the rest
        // of the channel is used, with a warning); a lock that names it is refused, saying why.
        ["record-left-out-of-its-channel"] = repo => Edit(repo, "channels/demo/linux-64/repodata.json",
            "\"snowflake-connector-python-3.10.0-py311hb2e8a5f_0.conda\": {\n   \"build\": \"py311hb2e8a5f_0\",",
            "\"snowflake-connector-python-3.10.0-py311hb2e8a5f_0.conda\": {\n   \"build\": \"py311hb2e8a5f_1\","),
        // Issue 18: a lock is compared byte for byte, so an editor's byte order mark is not what 'beacon lock' wrote.
        ["lock-with-a-byte-order-mark"] = repo => File.WriteAllBytes(repo.Path_("layers/snowflake.lock"),
            [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(repo.Path_("layers/snowflake.lock"))]),
        ["weakened-requires-virtual"] = repo => Edit(repo, "layers/gpu-ml.lock", "# requires-virtual: __cuda; __glibc >=2.17,<3.0.a0", "# requires-virtual: __glibc >=2.17,<3.0.a0"),
    };

    /// <summary>
    /// Each case through each reading of the channel: repodata.json whole, repodata.json by name through its index, and
    /// the CEP-16 shards <c>beacon index</c> writes.
    /// </summary>
    public static TheoryData<string, string> Names()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Cases.Keys.Order(StringComparer.Ordinal))
        {
            data.Add(name, "json");
            data.Add(name, "indexed");
            data.Add(name, "sharded");
        }
        return data;
    }

    /// <summary>Shards the example's channel folders (after the case's edits), so the gate reads them by shard.</summary>
    internal static void Shard(TempRepo repo)
    {
        foreach (var channel in Directory.GetDirectories(repo.Path_("channels")))
        {
            Conda.Repodata.ShardWriter.IndexChannel(channel);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Each_change_gives_its_exact_gate_diagnostics(string name, string reading)
    {
        using var repo = new TempRepo("beacon-gate-");
        repo.CopyExample();
        Cases[name](repo);
        if (reading == "sharded")
        {
            Shard(repo);
        }
        var loaded = WorkspaceLoader.Load(repo.Root);
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        using var cache = new TempRepo("beacon-gate-index-");
        using var http = new HttpClient();
        // "indexed": the plain repodata.json read by name through its RepodataIndex (kept in a cache folder).
        var loader = reading == "indexed" ? new ChannelLoader(new RepodataFetcher(http, new FetchOptions { CacheDirectory = cache.Root })) : new ChannelLoader(null);
        var gate = await LockGate.RunAsync(loaded.Workspace!, loader);
        Assert.False(gate.Passed);
        Snapshot.MatchFile(string.Concat(gate.Diagnostics.Select(d => d + "\n")), Path.Combine(CorpusDir, name + ".txt"));
    }

    [Fact]
    public async Task The_example_as_committed_passes()
    {
        var gate = await LockGate.RunAsync(WorkspaceLoader.Load(RepoPaths.Root).Workspace!, new ChannelLoader(null));
        Assert.True(gate.Passed, string.Join("\n", gate.Diagnostics));
        Assert.Equal(7, gate.Locks.Count);
    }

    [Fact]
    public async Task The_example_read_by_shards_passes_and_locks_to_the_same_bytes()
    {
        using var repo = new TempRepo("beacon-gate-");
        repo.CopyExample();
        Shard(repo);
        var workspace = WorkspaceLoader.Load(repo.Root).Workspace!;
        var gate = await LockGate.RunAsync(workspace, new ChannelLoader(null));
        Assert.True(gate.Passed, string.Join("\n", gate.Diagnostics));
        Assert.Equal(7, gate.Locks.Count);
        using var locker = new Beacon.Layers.Locking.Locker(workspace, new ChannelLoader(null));
        var run = await locker.RunAsync(new Beacon.Layers.Locking.LockOptions { SolveAll = true });
        Assert.True(run.Success);
        Assert.Equal(7, run.Solves);
        Assert.All(run.Results, r => Assert.IsType<Beacon.Layers.Locking.LayerUpToDate>(r));
    }

    [Fact]
    public void Every_case_has_its_pinned_file_and_no_file_lacks_a_case()
    {
        var files = Directory.EnumerateFiles(CorpusDir, "*.txt").Select(Path.GetFileNameWithoutExtension).Where(n => !n!.EndsWith(".received", StringComparison.Ordinal));
        Assert.Equal(Cases.Keys.Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));
    }
}
