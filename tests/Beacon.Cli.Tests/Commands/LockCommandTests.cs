using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>lock → check → route → fork → diff through the real CLI process, on a copy of the example organisation.</summary>
public sealed class LockCommandTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-cli-lock-");

    public LockCommandTests() => _repo.CopyExample();

    [Fact]
    public void The_committed_example_locks_are_current_and_relocking_changes_nothing()
    {
        var check = InProcess.Beacon(_repo.Root, "check");
        Assert.True(check.ExitCode == 0, check.Stderr);
        var before = Directory.GetFiles(_repo.Path_("layers"), "*.lock").Order().Select(File.ReadAllText).ToList();
        var relock = InProcess.Beacon(_repo.Root, "lock", "--quiet");
        Assert.Equal(0, relock.ExitCode);
        Assert.Equal(before, Directory.GetFiles(_repo.Path_("layers"), "*.lock").Order().Select(File.ReadAllText).ToList());
    }

    [Fact]
    public void Lock_check_solves_every_layer_again_and_fails_without_writing_when_a_lock_would_change()
    {
        var passed = InProcess.Beacon(_repo.Root, "lock", "--check");
        Assert.True(passed.ExitCode == 0, passed.Stderr);
        Assert.Equal("lock check passed: 7 layers solved again, every lock as 'beacon lock' writes it\n", passed.Stdout);

        var before = File.ReadAllText(_repo.Path_("layers/snowflake.lock"));
        File.WriteAllText(_repo.Path_("layers/snowflake.yaml"), File.ReadAllText(_repo.Path_("layers/snowflake.yaml"))
            .Replace("  - snowflake-connector-python >=3.10\n", "  - snowflake-connector-python >=3.10\n  - pyarrow\n", StringComparison.Ordinal));
        var failed = InProcess.Beacon(_repo.Root, "lock", "--check", "--quiet");
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal("", failed.Stdout);
        Assert.EndsWith("layers/snowflake.lock(1,1): error BEA0418: 'beacon lock' would change this lock (its dependencies, channels or system changed); " +
            "run 'beacon lock snowflake' and commit it\n", failed.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(_repo.Path_("layers/snowflake.lock")));

        var refused = InProcess.Beacon(_repo.Root, "lock", "--check", "--update", "python");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("error BEA0600: --check compares", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hand_edited_sha256_in_the_root_lock_is_blamed_on_the_root_and_lock_solves_it_again()
    {
        // Issue 10, defect 2: 'lock' used to call the edited root "up to date" and relock the children on it.
        var path = _repo.Path_("layers/core.lock");
        var original = File.ReadAllText(path);
        var line = original.Split('\n').First(l => l.Contains("/python-3.11", StringComparison.Ordinal));
        var sha = line[(line.IndexOf("sha256:", StringComparison.Ordinal) + 7)..];
        File.WriteAllText(path, original.Replace(sha, new string('0', 64), StringComparison.Ordinal));

        var check = InProcess.Beacon(_repo.Root, "check");
        Assert.Equal(1, check.ExitCode);
        Assert.StartsWith("layers/core.lock(", check.Stderr, StringComparison.Ordinal);
        Assert.Contains("error BEA0415: python-3.11", check.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("snowflake", check.Stderr, StringComparison.Ordinal);

        var relock = InProcess.Beacon(_repo.Root, "lock");
        Assert.True(relock.ExitCode == 0, relock.Stderr);
        Assert.Contains("solving core (its lock does not match its channels: python-3.11", relock.Stderr, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllText(path));
        Assert.Contains("up to date  snowflake", relock.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, InProcess.Beacon(_repo.Root, "check").ExitCode);
    }

    [Fact]
    public void Check_fails_with_exit_1_after_an_edit_and_lock_repairs_it()
    {
        File.AppendAllText(_repo.Path_("layers/snowflake.yaml"), "# comment only: not an input\n");
        Assert.Equal(0, InProcess.Beacon(_repo.Root, "check").ExitCode);

        var text = File.ReadAllText(_repo.Path_("layers/snowflake.yaml")).Replace("  - snowflake-connector-python >=3.10\n", "  - snowflake-connector-python >=3.10\n  - pyarrow\n", StringComparison.Ordinal);
        File.WriteAllText(_repo.Path_("layers/snowflake.yaml"), text);
        var stale = InProcess.Beacon(_repo.Root, "check");
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("layers/snowflake.yaml(1,1): error BEA0403", stale.Stderr, StringComparison.Ordinal);

        var locked = InProcess.Beacon(_repo.Root, "lock");
        Assert.Equal(0, locked.ExitCode);
        Assert.Contains("locked      snowflake", locked.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 layer solved", locked.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, InProcess.Beacon(_repo.Root, "check").ExitCode);
    }

    [Fact]
    public void A_refused_lock_names_the_parent_says_where_the_change_belongs_and_writes_nothing()
    {
        var before = File.ReadAllText(_repo.Path_("layers/snowflake.lock"));
        File.WriteAllText(_repo.Path_("layers/snowflake.yaml"),
            File.ReadAllText(_repo.Path_("layers/snowflake.yaml")).Replace(">=3.10", "3.7.*", StringComparison.Ordinal));
        var r = InProcess.Beacon(_repo.Root, "lock");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error BEA0401: layer 'snowflake' cannot be locked on top of its parent 'core'", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("which layer 'core' pins", r.Stderr, StringComparison.Ordinal);
        // core is the root: a root is not forked (fork refuses it), the change goes into its file.
        Assert.Contains("hint: layer 'core' (the root) fixes these packages, and a layer can only add to its parent. A root is not forked: " +
            "change them in layers/core.yaml, which every layer inherits, and run 'beacon lock'.", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was written", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(_repo.Path_("layers/snowflake.lock")));
    }

    [Fact]
    public void Route_explains_why_smaller_layers_were_rejected()
    {
        var r = InProcess.Beacon(_repo.Root, "route", "risk-batch", "--explain");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("snowflake\n", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("not core (", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("it has no snowflake-connector-python", r.Stdout, StringComparison.Ordinal);

        var none = InProcess.Beacon(_repo.Root, "route", "--requires", "lightning", "--hardware", "gpu", "--stack", "acme-aws-prod");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("stage experimental is not deployed by stack 'acme-aws-prod'", none.Stdout, StringComparison.Ordinal);
        Assert.Equal("gpu-ml-nightly\n", InProcess.Beacon(_repo.Root, "route", "--requires", "lightning", "--hardware", "gpu").Stdout);
    }

    [Fact]
    public void Fork_then_diff_in_a_real_git_repository()
    {
        var env = new Dictionary<string, string?>
        {
            ["GIT_AUTHOR_NAME"] = "Dev", ["GIT_AUTHOR_EMAIL"] = "dev@example.com", ["GIT_COMMITTER_NAME"] = "Dev",
            ["GIT_COMMITTER_EMAIL"] = "dev@example.com", ["GIT_CONFIG_GLOBAL"] = "/dev/null", ["GIT_CONFIG_NOSYSTEM"] = "1",
        };
        foreach (var args in new[] { new[] { "init", "-q", "-b", "main" }, ["add", "-A"], ["commit", "-q", "-m", "example"] })
        {
            Assert.Equal(0, ProcessRunner.Run("git", args, _repo.Root, env).ExitCode);
        }
        var fork = InProcess.Beacon(_repo.Root, "fork", "snowflake", "--as", "snowflake-arrow", "--add", "pyarrow 15.*", "--add", "tomlkit");
        Assert.True(fork.ExitCode == 0, fork.Stderr);
        Assert.Contains("stage: experimental", File.ReadAllText(_repo.Path_("layers/snowflake-arrow.yaml")), StringComparison.Ordinal);
        Assert.Equal(0, InProcess.Beacon(_repo.Root, "check").ExitCode);

        var diff = InProcess.Beacon(_repo.Root, "diff", "--base", "main");
        Assert.Equal(0, diff.ExitCode);
        Assert.Contains("| `snowflake-arrow` | forked from `snowflake` |", diff.Stdout, StringComparison.Ordinal);
        // An experimental fork: only the stacks that deploy experimental layers get its image.
        Assert.Contains("| `acme-local` (local) | changed | 1 added, 6 reused | — | — |", diff.Stdout, StringComparison.Ordinal);
        Assert.Contains("| `acme-aws-prod` (aws) | no changes | 6 reused | — | — |", diff.Stdout, StringComparison.Ordinal);
        Assert.Contains("### stack `acme-local`\n\n- images added: `snowflake-arrow`\n", diff.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, InProcess.Beacon(_repo.Root, "diff", "--base", "nope").ExitCode);
    }

    public void Dispose() => _repo.Dispose();
}
