using Beacon.Conda.Channels;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Locking;

/// <summary>
/// Locking and the gate on the real defaults-2018 repodata (tests/fixtures/conda/channels), through a repository whose
/// beacon.yaml maps the channel name "defaults" to that folder.
/// </summary>
public sealed class LockerTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-lock-");

    public LockerTests()
    {
        _repo.Write("beacon.yaml", $"channels:\n  defaults: {Fixtures.Channel("defaults-2018")}\n");
        _repo.Write("layers/base.yaml", "name: base\nplatform: linux-64\nbase-image: mambaorg/micromamba:1.5.8@sha256:475730daef12ff9c0733e70092aeeefdf4c373a584c952dac3f7bdb739601990\nchannels: [defaults]\nstage: production\ndependencies:\n  - python 3.6.*\n  - numpy\n");
        _repo.Write("layers/analytics.yaml", "name: analytics\nparent: base\ndependencies:\n  - pandas\n  - scipy\n");
    }

    private Workspace Load()
    {
        var result = WorkspaceLoader.Load(_repo.Root);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Workspace!;
    }

    private async Task<LockRun> Lock(LockOptions? options = null, bool write = true)
    {
        var workspace = Load();
        using var locker = new Locker(workspace, new ChannelLoader(null));
        var run = await locker.RunAsync(options ?? new LockOptions());
        if (write && run.Success)
        {
            locker.Write(run);
        }
        return run;
    }

    private IReadOnlyList<Diagnostic> Check() => LockGate.RunAsync(Load(), new ChannelLoader(null)).GetAwaiter().GetResult().Diagnostics;

    private ExplicitLockView ReadLock(string layer) => new(File.ReadAllText(_repo.Path_($"layers/{layer}.lock")));

    private sealed record ExplicitLockView(string Text)
    {
        public Conda.Locks.ExplicitLock Lock { get; } = Conda.Locks.ExplicitLock.Parse(Text).Value!;
        public HashSet<string> Dists => Lock.Packages.Select(p => p.DistString).ToHashSet();
    }

    [Fact]
    public async Task A_second_run_waits_until_the_first_has_written_its_locks()
    {
        using var first = new Locker(Load(), new ChannelLoader(null));
        var firstRun = await first.RunAsync(new LockOptions());
        using var second = new Locker(Load(), new ChannelLoader(null));
        var waited = new List<string>();
        var secondRun = second.RunAsync(new LockOptions(), waited.Add);
        await Task.Delay(500);
        Assert.False(secondRun.IsCompleted, "the second run read the repository while the first one was writing it");
        Assert.Equal(["waiting for another beacon run writing locks in this repository"], waited);
        first.Write(firstRun);
        var result = await secondRun.WaitAsync(TimeSpan.FromSeconds(30));
        // The second run reads what the first wrote: nothing is stale any more.
        Assert.All(result.Results, r => Assert.Equal(LockStatus.UpToDate, r.Status));
    }

    [Fact]
    public async Task A_child_adds_packages_only_and_the_gate_passes()
    {
        var run = await Lock();
        Assert.True(run.Success, string.Join("\n", run.Results.OfType<LayerNotLocked>().Select(r => r.Explanation)));
        var parent = ReadLock("base");
        var child = ReadLock("analytics");
        Assert.Subset(child.Dists, parent.Dists);
        Assert.Contains(child.Lock.Packages, p => p.Name == "pandas");
        Assert.Equal(26, child.Lock.Packages.Count);
        Assert.Equal("base", child.Lock.Get("parent"));
        Assert.Equal(LayerLock.Sha256Of(parent.Text), child.Lock.Get("parent-lock-sha256"));
        Assert.Empty(Check());
    }

    [Fact]
    public async Task A_second_run_solves_nothing_and_locks_are_byte_identical()
    {
        await Lock();
        var first = Directory.GetFiles(_repo.Path_("layers"), "*.lock").Order().Select(File.ReadAllText).ToList();
        var again = await Lock();
        Assert.Equal(0, again.Solves);
        Assert.All(again.Results, r => Assert.Equal(LockStatus.UpToDate, r.Status));

        // From scratch, in a fresh repository: the same bytes.
        foreach (var f in Directory.GetFiles(_repo.Path_("layers"), "*.lock"))
        {
            File.Delete(f);
        }
        await Lock();
        Assert.Equal(first, Directory.GetFiles(_repo.Path_("layers"), "*.lock").Order().Select(File.ReadAllText).ToList());
    }

    [Fact]
    public async Task Changing_a_leaf_resolves_that_leaf_only()
    {
        await Lock();
        _repo.Write("layers/analytics.yaml", "name: analytics\nparent: base\ndependencies:\n  - pandas\n  - scipy\n  - pytz\n");
        var run = await Lock();
        Assert.Equal(1, run.Solves);
        Assert.Equal(LockStatus.UpToDate, run.Results.Single(r => r.Layer == "base").Status);
        Assert.Equal(LockStatus.Locked, run.Results.Single(r => r.Layer == "analytics").Status);
    }

    [Fact]
    public async Task A_child_request_that_would_move_a_parent_pin_is_refused_and_nothing_is_written()
    {
        _repo.Write("layers/analytics.yaml", "name: analytics\nparent: base\ndependencies:\n  - python 3.7.*\n");
        var run = await Lock();
        Assert.False(run.Success);
        var failed = Assert.IsType<LayerNotLocked>(run.Results.Single(r => r.Layer == "analytics"));
        Assert.Contains("python 3.7.* is requested by layer 'analytics'", failed.Explanation, StringComparison.Ordinal);
        Assert.Contains("which layer 'base' pins", failed.Explanation, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_repo.Path_("layers"), "*.lock"));
        Assert.Equal("base", failed.BlockingParent);
        Snapshot.Match(failed.Explanation + failed.Hint("layers/analytics.yaml"), "child-moves-parent-python");

        // The hint, followed: base is the root, so the change goes into layers/base.yaml and `beacon lock` runs.
        Assert.Contains("change them in layers/base.yaml, which every layer inherits, and run 'beacon lock'", failed.Hint("layers/analytics.yaml"), StringComparison.Ordinal);
        _repo.Write("layers/base.yaml", File.ReadAllText(_repo.Path_("layers/base.yaml")).Replace("python 3.6.*", "python 3.7.*", StringComparison.Ordinal));
        var followed = await Lock();
        Assert.True(followed.Success, string.Join("\n", followed.Results.OfType<LayerNotLocked>().Select(r => r.Explanation)));
    }

    [Fact]
    public async Task Update_moves_only_the_freed_package_and_what_depends_on_it()
    {
        _repo.Write("layers/base.yaml", "name: base\nplatform: linux-64\nbase-image: mambaorg/micromamba:1.5.8@sha256:475730daef12ff9c0733e70092aeeefdf4c373a584c952dac3f7bdb739601990\nchannels: [defaults]\ndependencies:\n  - python 3.6.*\n  - numpy 1.14.*\n");
        await Lock();
        var before = ReadLock("base").Lock.Packages.ToDictionary(p => p.Name, p => p.DistString);
        _repo.Write("layers/base.yaml", "name: base\nplatform: linux-64\nbase-image: mambaorg/micromamba:1.5.8@sha256:475730daef12ff9c0733e70092aeeefdf4c373a584c952dac3f7bdb739601990\nchannels: [defaults]\ndependencies:\n  - python 3.6.*\n  - numpy\n");
        // The spec now allows any numpy, but the existing lock is preferred: nothing moves without --update.
        var relock = await Lock();
        Assert.Equal(LockStatus.Locked, relock.Results.Single(r => r.Layer == "base").Status); // inputs changed: new hash
        Assert.Equal(before, ReadLock("base").Lock.Packages.ToDictionary(p => p.Name, p => p.DistString));

        var updated = await Lock(new LockOptions { Update = ["numpy", "numpy-base"] });
        Assert.True(updated.Success);
        var after = ReadLock("base").Lock.Packages.ToDictionary(p => p.Name, p => p.DistString);
        var changed = after.Keys.Where(k => !before.TryGetValue(k, out var old) || old != after[k]).Order().ToList();
        Assert.Contains("numpy", changed);
        Assert.DoesNotContain("python", changed);
        Assert.DoesNotContain("openssl", changed);
        Assert.All(changed, name => Assert.True(name.StartsWith("numpy", StringComparison.Ordinal) || name.StartsWith("mkl", StringComparison.Ordinal)
            || name == "intel-openmp" || name == "blas", $"{name} changed although only numpy was freed"));
        // The child's parent changed, so it was re-solved too.
        Assert.Equal(LockStatus.Locked, updated.Results.Single(r => r.Layer == "analytics").Status);
        Assert.Empty(Check());
    }

    [Fact]
    public async Task Check_catches_a_child_lock_that_dropped_a_parent_record()
    {
        await Lock();
        var path = _repo.Path_("layers/analytics.lock");
        var lines = File.ReadAllLines(path).Where(l => !l.Contains("/numpy-1", StringComparison.Ordinal)).ToArray();
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        var diagnostics = Check();
        // Exactly one finding: the removed parent record, at the child's lock; nothing is blamed on the untouched parent.
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCode.ParentRecordAltered, d.Code);
        Assert.StartsWith("the lock removes numpy 1.15.0 ", d.Message, StringComparison.Ordinal);
        Assert.Equal("layers/analytics.lock", d.Location.File);
    }

    [Fact]
    public async Task Check_catches_a_child_lock_that_changed_a_parent_record()
    {
        await Lock();
        var path = _repo.Path_("layers/analytics.lock");
        var text = File.ReadAllText(path);
        var pythonLine = text.Split('\n').First(l => l.Contains("/python-3.6", StringComparison.Ordinal));
        var hash = pythonLine[(pythonLine.IndexOf("sha256:", StringComparison.Ordinal) + 7)..];
        File.WriteAllText(path, text.Replace(hash, new string('0', 64), StringComparison.Ordinal));
        var diagnostics = Check();
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCode.ParentRecordAltered, d.Code);
        Assert.Contains("changes python from its sha256", d.Message, StringComparison.Ordinal);
        Assert.Equal("layers/analytics.lock", d.Location.File);
        Assert.True(d.Location.Line > 5);
    }

    [Fact]
    public async Task Check_catches_a_layer_spec_edited_after_locking()
    {
        await Lock();
        _repo.Write("layers/analytics.yaml", "name: analytics\nparent: base\ndependencies:\n  - pandas\n  - scipy\n  - requests\n");
        var diagnostics = Check();
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCode.StaleLock && d.Location.File == "layers/analytics.yaml");
        var missing = Assert.Single(diagnostics, d => d.Code == DiagnosticCode.DependencyNotInLock);
        Assert.Equal(("layers/analytics.yaml", 6), (missing.Location.File, missing.Location.Line));
        Snapshot.Match(string.Join("\n", diagnostics) + "\n", "check-spec-edited-after-locking");
    }

    [Fact]
    public async Task Check_reports_missing_orphan_and_garbled_locks()
    {
        await Lock();
        File.Move(_repo.Path_("layers/analytics.lock"), _repo.Path_("layers/gone.lock"));
        File.WriteAllText(_repo.Path_("layers/base.lock"), File.ReadAllText(_repo.Path_("layers/base.lock")) + "not a url\n");
        var codes = Check().Select(d => d.Code).ToList();
        Assert.Contains(DiagnosticCode.MissingLock, codes);
        Assert.Contains(DiagnosticCode.OrphanLock, codes);
        Assert.Contains(DiagnosticCode.InvalidLockFile, codes);
    }

    [Fact]
    public async Task Check_catches_cuda_requirements_the_system_block_does_not_meet()
    {
        _repo.Write("beacon.yaml", $"channels:\n  demo: {RepoPaths.RepoFile("channels", "demo")}\n");
        _repo.Write("layers/base.yaml", "name: base\nplatform: linux-64\nbase-image: mambaorg/micromamba:1.5.8@sha256:475730daef12ff9c0733e70092aeeefdf4c373a584c952dac3f7bdb739601990\nchannels: [demo]\ndependencies:\n  - python 3.11.*\n");
        _repo.Write("layers/analytics.yaml", "name: analytics\nparent: base\nhardware: gpu\nsystem: {__cuda: \"12.4\"}\ndependencies:\n  - pytorch 2.3.* cuda*\n  - cuda-version 12.4.*\n");
        Assert.True((await Lock()).Success);
        Assert.Empty(Check());
        _repo.Write("layers/analytics.yaml", "name: analytics\nparent: base\nhardware: cpu\nsystem: {__cuda: \"11.8\"}\ndependencies:\n  - pytorch 2.3.* cuda*\n  - cuda-version 12.4.*\n");
        var diagnostics = Check();
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCode.VirtualRequirementUnmet && d.Message.Contains("'__cuda >=12.4'", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCode.GpuLayerWithoutGpu);
    }

    [Fact]
    public async Task A_lock_with_an_extra_real_package_passes_the_gate_but_not_a_fresh_solve()
    {
        Assert.True((await Lock()).Success);
        // A hostile edit the record checks cannot see: one more genuine channel package, its dependencies present, the
        // file exactly as 'beacon lock' would write those records.
        var workspace = Load();
        var channels = await ChannelIndex.LoadAsync(workspace, new ChannelLoader(null));
        var stored = LockStore.ReadAll(workspace)["analytics"];
        await channels.LoadLocksAsync(stored.Lock!.Packages);
        var held = stored.Lock!.Packages.Select(p => channels.Find(p.Url, p.Name)!).ToList();
        var extra = (await channels.Channels.Single(c => c.Name == "defaults").AllAsync())
            .Where(r => held.All(h => h.Name != r.Name) && r.Depends.Count > 0)
            .First(r => r.Depends.All(d => held.Any(h => Conda.Specs.MatchSpec.Parse(d).Matches(h))));
        var edited = LayerLock.Create(workspace.Tree.PlatformOf("analytics"), "analytics", "base", stored.Lock.ParentLockSha256, stored.Lock.InputsSha256!, [.. held, extra]);
        File.WriteAllText(_repo.Path_("layers/analytics.lock"), edited.Text());
        Assert.Empty(Check());

        var fresh = await Lock(new LockOptions { SolveAll = true }, write: false);
        var changed = Assert.IsType<LayerLocked>(fresh.Results.Single(r => r.Layer == "analytics"));
        Assert.Equal("solved again to check it", changed.Reason);
        Assert.DoesNotContain(extra.FileName, changed.Text, StringComparison.Ordinal);
        Assert.Equal(LockStatus.UpToDate, fresh.Results.Single(r => r.Layer == "base").Status);
        Assert.Equal(2, fresh.Solves);
    }

    [Fact]
    public async Task A_record_another_records_constraints_exclude_is_refused_at_its_line()
    {
        // A small real channel folder: 'a' allows only b <2, and the channel has b 1 and b 2.
        static string Record(string name, string version, string constrains, char hash) =>
            $"\"{name}-{version}-0.conda\": {{\"name\": \"{name}\", \"version\": \"{version}\", \"build\": \"0\", \"build_number\": 0, \"subdir\": \"linux-64\", " +
            $"\"depends\": [], \"constrains\": [{constrains}], \"sha256\": \"{new string(hash, 64)}\"}}";
        _repo.Write("chan/linux-64/repodata.json", "{\"info\": {\"subdir\": \"linux-64\"}, \"packages\": {}, \"packages.conda\": {" +
            string.Join(", ", Record("a", "1", "\"b <2\"", 'a'), Record("b", "1", "", 'b'), Record("b", "2", "", 'c')) + "}}");
        _repo.Write("chan/noarch/repodata.json", "{\"info\": {\"subdir\": \"noarch\"}, \"packages\": {}}");
        _repo.Write("beacon.yaml", $"channels:\n  local: {_repo.Path_("chan")}\n");
        _repo.Write("layers/base.yaml", "name: base\nplatform: linux-64\nbase-image: mambaorg/micromamba:1.5.8@sha256:475730daef12ff9c0733e70092aeeefdf4c373a584c952dac3f7bdb739601990\nchannels: [local]\nstage: production\ndependencies:\n  - a\n  - b\n");
        File.Delete(_repo.Path_("layers/analytics.yaml"));
        Assert.True((await Lock()).Success);
        var path = _repo.Path_("layers/base.lock");
        var text = File.ReadAllText(path);
        Assert.Contains("/b-1-0.conda#sha256:" + new string('b', 64), text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace("/b-1-0.conda#sha256:" + new string('b', 64), "/b-2-0.conda#sha256:" + new string('c', 64), StringComparison.Ordinal));
        var found = Assert.Single(Check());
        Assert.Equal(DiagnosticCode.LockDependencyMissing, found.Code);
        Assert.Equal($"layers/base.lock({text.Split('\n').ToList().FindIndex(l => l.Contains("/b-1-0.conda", StringComparison.Ordinal)) + 1},1): error BEA0417: " +
            "a 1 allows only 'b <2', but the lock holds b 2 0; run 'beacon lock base'", found.ToString());
    }

    [Fact]
    public async Task After_a_killed_lock_the_gate_says_so_and_the_next_lock_cleans_up()
    {
        // Issue 10, defect 7: what kill -9 in the middle of 'beacon lock' leaves (temporary files, the journal, a set
        // of locks half new) is named by the gate in one finding and repaired by the next run.
        Assert.True((await Lock()).Success);
        _repo.Write("layers/.analytics.lock.0123abcd.beacon-tmp", "half a lock");
        _repo.Write("layers/.beacon-lock-journal", "layers/base.lock\nlayers/analytics.lock\n");
        var found = Assert.Single(Check());
        Assert.Equal(DiagnosticCode.InterruptedLock, found.Code);

        Assert.True((await Lock()).Success);
        Assert.Empty(Directory.EnumerateFiles(_repo.Path_("layers"), "*.beacon-tmp"));
        Assert.False(File.Exists(_repo.Path_("layers/.beacon-lock-journal")));
        Assert.Empty(Check());
    }

    public void Dispose() => _repo.Dispose();
}
