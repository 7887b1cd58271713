using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary><c>beacon add</c> / <c>beacon remove</c> on a copy of the example organisation: edit, lock, print the moves; or nothing.</summary>
public sealed class DependencyCommandsTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-cli-add-");

    public DependencyCommandsTests() => _repo.CopyExample();

    private Dictionary<string, string> Files() =>
        Directory.GetFiles(_repo.Path_("layers")).Order(StringComparer.Ordinal).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    [Fact]
    public void Add_edits_the_file_in_place_locks_it_and_its_children_and_check_passes()
    {
        var before = File.ReadAllText(_repo.Path_("layers/core.yaml"));
        var add = InProcess.Beacon(_repo.Root, "add", "core", "numpy <1.26");
        Assert.True(add.ExitCode == 0, add.Stderr);
        // Only the numpy entry changed; every comment and the order stay.
        var after = File.ReadAllText(_repo.Path_("layers/core.yaml"));
        var changed = before.Split('\n').Zip(after.Split('\n')).Where(p => p.First != p.Second).ToList();
        Assert.Equal(before.Split('\n').Length, after.Split('\n').Length);
        Assert.Equal([("  - numpy 1.26.*", "  - numpy <1.26")], changed);
        // Snapshot: every layer built on core is locked again; each lock's package moves are printed.
        Assert.Equal("""
            edited layers/core.yaml
            locked      core: 72 packages of its own (its dependencies, channels or system changed)
              ~ numpy 1.26.4 py311h64a7726_0 → 1.25.2 py311h4eb6e4b_0 (downgraded)
            locked      gpu-ml: 11 packages of its own (its parent's lock changed)
              ~ numpy 1.26.4 py311h64a7726_0 → 1.25.2 py311h4eb6e4b_0 (downgraded)
            locked      gpu-ml-nightly: 7 packages of its own (its parent's lock changed)
              ~ numpy 1.26.4 py311h64a7726_0 → 1.25.2 py311h4eb6e4b_0 (downgraded)
            locked      notebook: 3 packages of its own (its parent's lock changed)
              ~ numpy 1.26.4 py311h64a7726_0 → 1.25.2 py311h4eb6e4b_0 (downgraded)
            locked      r-analytics: 5 packages of its own (its parent's lock changed)
              ~ numpy 1.26.4 py311h64a7726_0 → 1.25.2 py311h4eb6e4b_0 (downgraded)
            locked      snowflake: 10 packages of its own (its parent's lock changed)
              ~ numpy 1.26.4 py311h64a7726_0 → 1.25.2 py311h4eb6e4b_0 (downgraded)
            6 layers solved, 6 lock files written

            """, add.Stdout);
        var check = InProcess.Beacon(_repo.Root, "check");
        Assert.True(check.ExitCode == 0, check.Stderr);

        var added = InProcess.Beacon(_repo.Root, "add", "notebook", "tqdm");
        Assert.True(added.ExitCode == 0, added.Stderr);
        Assert.EndsWith("locked      notebook: 4 packages of its own (its dependencies, channels or system changed)\n  + tqdm 4.66.2 pyhd8ed1ab_0\n1 layer solved, 1 lock file written\n",
            added.Stdout, StringComparison.Ordinal);
        var remove = InProcess.Beacon(_repo.Root, "remove", "notebook", "tqdm");
        Assert.True(remove.ExitCode == 0, remove.Stderr);
        Assert.EndsWith("locked      notebook: 3 packages of its own (its dependencies, channels or system changed)\n  - tqdm 4.66.2 pyhd8ed1ab_0\n1 layer solved, 1 lock file written\n",
            remove.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, InProcess.Beacon(_repo.Root, "check").ExitCode);
    }

    [Fact]
    public void A_spec_that_does_not_lock_or_a_name_the_layer_does_not_list_writes_nothing()
    {
        var before = Files();
        var conflict = InProcess.Beacon(_repo.Root, "add", "snowflake", "snowflake-connector-python 3.7.*");
        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("error BEA0401: layer 'snowflake' cannot be locked on top of its parent 'core'", conflict.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("nothing was written\n", conflict.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Files());

        var unlisted = InProcess.Beacon(_repo.Root, "remove", "notebook", "numpy");
        Assert.Equal(2, unlisted.ExitCode);
        Assert.Equal("beacon remove: error BEA0600: layer 'notebook' does not list 'numpy' in layers/notebook.yaml (it lists: jupyter_server); " +
            "a package it inherits comes from its parent's file\n", unlisted.Stderr);
        var bad = InProcess.Beacon(_repo.Root, "add", "notebook", "numpy >=[");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("error BEA0109: 'numpy >=[' is not a valid conda MatchSpec", bad.Stderr, StringComparison.Ordinal);
        var twice = InProcess.Beacon(_repo.Root, "add", "notebook", "scipy", "scipy >=1.11");
        Assert.Equal(2, twice.ExitCode);
        Assert.Equal("beacon add: error BEA0109: 'scipy >=1.11': give one spec per package, each naming it\n", twice.Stderr);
        var unknown = InProcess.Beacon(_repo.Root, "add", "notebok", "scipy");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no layer 'notebok'", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Files());
    }

    /// <summary>
    /// The hint for a request a parent below the root blocks (fork the parent, then move the layer onto the fork),
    /// followed as printed with the request in place of &lt;spec&gt;: the layer then takes the request and check passes.
    /// </summary>
    [Fact]
    public void The_fork_hint_for_a_parent_below_the_root_works_as_printed()
    {
        const string Spec = "cuda-version 12.1.*";
        var refused = InProcess.Beacon(_repo.Root, "add", "gpu-ml-nightly", Spec);
        Assert.Equal(1, refused.ExitCode);
        var hint = refused.Stderr.Split('\n').Single(l => l.Contains("hint:", StringComparison.Ordinal));
        Assert.Equal("  hint: layer 'gpu-ml' fixes these packages, and a layer can only add to its parent. To change them without touching 'gpu-ml': " +
            "beacon fork gpu-ml --as gpu-ml-next --add <spec>, then set 'parent: gpu-ml-next' in layers/gpu-ml-nightly.yaml.", hint);

        var fork = hint[(hint.IndexOf("beacon fork ", StringComparison.Ordinal) + "beacon ".Length)..hint.IndexOf(", then", StringComparison.Ordinal)];
        var forked = InProcess.Beacon(_repo.Root, [.. fork.Replace(" <spec>", "", StringComparison.Ordinal).Split(' '), Spec]);
        Assert.True(forked.ExitCode == 0, forked.Stderr);
        var file = _repo.Path_("layers/gpu-ml-nightly.yaml");
        File.WriteAllText(file, File.ReadAllText(file).Replace("parent: gpu-ml\n", "parent: gpu-ml-next\n", StringComparison.Ordinal));

        var added = InProcess.Beacon(_repo.Root, "add", "gpu-ml-nightly", Spec);
        Assert.True(added.ExitCode == 0, added.Stderr);
        Assert.Contains("  ~ cuda-version 12.4 hafd55b1_3 → 12.1 hd8db8ee_3 (downgraded)\n", added.Stdout, StringComparison.Ordinal);
        var check = InProcess.Beacon(_repo.Root, "check");
        Assert.True(check.ExitCode == 0, check.Stderr);
    }

    public void Dispose() => _repo.Dispose();
}
