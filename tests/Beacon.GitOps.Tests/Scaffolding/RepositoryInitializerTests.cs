using Beacon.GitOps.Workflows;
using Beacon.TestSupport;

namespace Beacon.GitOps.Tests.Scaffolding;

/// <summary><c>beacon init</c> through the real CLI: a repository that passes <c>beacon pipeline</c> at once, or nothing at all.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RepositoryInitializerTests : IDisposable
{
    private const string Ref = "0123456789abcdef0123456789abcdef01234567";
    private readonly TempRepo _parent = new("beacon-init-");

    private ProcessResult Init(params string[] args) =>
        ProcessRunner.Beacon(_parent.Root, ["init", .. args, "--source", "https://git.example/acme/beacon.git", "--ref", Ref, "--offline"]);

    [SkippableTheory]
    [InlineData("aws")]
    [InlineData("gcp")]
    [InlineData("azure")]
    [InlineData("kubernetes")]
    public void A_new_repository_passes_the_pipeline_at_once(string cloud)
    {
        var init = Init("globex", "--cloud", cloud, "--owner", "@globex/platform", "--channel", RepoPaths.RepoFile("channels", "demo"));
        Assert.True(init.ExitCode == 0, init.Stderr);
        var root = _parent.Path_("globex");
        Assert.Equal(
            [".github/CODEOWNERS", ".github/workflows/build-layer.yml", ".github/workflows/deploy.yml", ".github/workflows/pull-request.yml", ".github/workflows/upgrade.yml", ".gitignore",
             "Pulumi.yaml", "README.md", "beacon", "beacon.yaml", "layers/core.lock", "layers/core.yaml", "scripts/build-infra.sh",
             $"stacks/Pulumi.globex-{cloud}.yaml", "stacks/Pulumi.globex-local.yaml"],
            Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal));
        foreach (var (path, text) in WorkflowFiles.All)
        {
            Assert.Equal(text, File.ReadAllText(Path.Combine(root, path)));
        }
        var pipeline = ProcessRunner.Beacon(root, "pipeline", "--stack", "globex-local");
        Assert.True(pipeline.ExitCode == 0, pipeline.Stdout + pipeline.Stderr);
        Assert.Contains("2. check     ok", pipeline.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, ProcessRunner.Beacon(root, "synth", "--stack", $"globex-{cloud}").ExitCode);
        Assert.Equal("* @globex/platform\n/layers/core.yaml @globex/platform\n/layers/core.lock @globex/platform\n",
            string.Concat(File.ReadLines(Path.Combine(root, ".github/CODEOWNERS")).Where(l => !l.StartsWith('#')).Select(l => l + "\n")));

        var wrappers = new[] { "beacon", "scripts/build-infra.sh" }.Select(w => Path.Combine(root, w)).ToArray();
        Assert.All(wrappers, w => Assert.True((File.GetUnixFileMode(w) & UnixFileMode.UserExecute) != 0, w));
        TestServices.NeedTool("shellcheck");
        var shellcheck = ProcessRunner.Run("shellcheck", ["--severity=style", .. wrappers]);
        Assert.True(shellcheck.ExitCode == 0, shellcheck.Stdout);
        Assert.Contains($"BEACON_REF='{Ref}'", File.ReadAllText(wrappers[0]), StringComparison.Ordinal);
    }

    /// <summary>
    /// Every command the new repository's README proposes runs, as written, with this build's CLI in place of
    /// `./beacon` (which would fetch and build Beacon's source): the README told users to fork the root, which
    /// `fork` refuses.
    /// </summary>
    [Fact]
    public void Every_command_the_new_readme_proposes_works()
    {
        var init = Init("globex", "--owner", "@globex/platform", "--channel", RepoPaths.RepoFile("channels", "demo"));
        Assert.True(init.ExitCode == 0, init.Stderr);
        var root = _parent.Path_("globex");
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var block = readme[(readme.IndexOf("```\n", StringComparison.Ordinal) + 4)..];
        var commands = block[..block.IndexOf("```", StringComparison.Ordinal)].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => (l.IndexOf('#') is var hash and >= 0 ? l[..hash] : l).Trim()).ToList();
        Assert.Equal(3, commands.Count);
        foreach (var command in commands)
        {
            var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("./beacon", words[0]);
            var run = ProcessRunner.Beacon(root, words[1..]);
            Assert.True(run.ExitCode == 0, $"{command}\n{run.Stdout}{run.Stderr}");
        }
        Assert.True(File.Exists(Path.Combine(root, "layers/my-layer.lock")));
        Assert.Contains("  - scipy\n", File.ReadAllText(Path.Combine(root, "layers/my-layer.yaml")), StringComparison.Ordinal);
        Assert.Equal(0, ProcessRunner.Beacon(root, "check").ExitCode);
    }

    /// <summary>
    /// A new organisation in one sitting, offline on the demo channel given as a relative folder: init (with its own
    /// root packages), add, check — no other command. beacon.yaml keeps the folder relative to the repository.
    /// </summary>
    [Fact]
    public void Init_then_add_then_check_passes_with_a_relative_channel_folder_and_chosen_packages()
    {
        CopyDemoChannel("mirror/demo");
        var init = Init("initech", "--owner", "@initech/platform", "--channel", "mirror/demo", "--add", "python 3.11.*", "--add", "numpy");
        Assert.True(init.ExitCode == 0, init.Stderr);
        var root = _parent.Path_("initech");
        Assert.Contains("organisation: initech\n", File.ReadAllText(Path.Combine(root, "beacon.yaml")), StringComparison.Ordinal);
        Assert.Contains("  conda-forge: \"../mirror/demo\"\n", File.ReadAllText(Path.Combine(root, "beacon.yaml")), StringComparison.Ordinal);
        var core = File.ReadAllText(Path.Combine(root, "layers/core.yaml"));
        Assert.Contains("dependencies:\n  - python 3.11.*\n  - numpy\n", core, StringComparison.Ordinal);
        Assert.DoesNotContain("pandas", File.ReadAllText(Path.Combine(root, "layers/core.lock")), StringComparison.Ordinal);

        var add = ProcessRunner.Beacon(root, "add", "core", "pandas", "--offline");
        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.StartsWith("edited layers/core.yaml\nlocked      core: ", add.Stdout, StringComparison.Ordinal);
        Assert.Contains("\n  + pandas 2.2.1 ", add.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("1 layer solved, 1 lock file written\n", add.Stdout, StringComparison.Ordinal);
        var check = ProcessRunner.Beacon(root, "check");
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        Assert.Equal("check passed: 1 layer lock current, parents intact, 0 workloads placed in 1 stack\n", check.Stdout);
    }

    /// <summary>Offline with the default channel: the refusal names --channel, and following it works.</summary>
    [Fact]
    public void The_default_channel_failing_suggests_channel_and_the_suggestion_works()
    {
        var refused = Init("hooli", "--owner", "@hooli/platform");
        Assert.Equal(2, refused.ExitCode);
        Assert.EndsWith("; name a mirror or a channel folder with --channel (offline: a folder)\n", refused.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_parent.Root));

        CopyDemoChannel("demo");
        var followed = Init("hooli", "--owner", "@hooli/platform", "--channel", "demo");
        Assert.True(followed.ExitCode == 0, followed.Stderr);

        var missing = Init("pied", "--owner", "@pied/platform", "--channel", "demo", "--add", "python 3.11.*", "--add", "no-such-package");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no package named 'no-such-package' at all", missing.Stderr, StringComparison.Ordinal);
        var bad = Init("pied", "--owner", "@pied/platform", "--channel", "demo", "--add", "numpy >=[");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("error BEA0600: --add 'numpy >=[' is not a valid conda MatchSpec", bad.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_parent.Path_("pied")));
    }

    private void CopyDemoChannel(string relative)
    {
        var source = RepoPaths.RepoFile("channels", "demo");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = _parent.Path_(Path.Combine(relative, Path.GetRelativePath(source, file)));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public void A_refused_init_leaves_nothing_behind()
    {
        var unreachable = Init("acme", "--owner", "@acme/platform", "--channel", "http://127.0.0.1:1/conda-forge");
        Assert.Equal(2, unreachable.ExitCode);
        Assert.Contains("error BEA0611: channel 'conda-forge' (http://127.0.0.1:1/conda-forge): offline: no cached repodata", unreachable.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_parent.Root));

        var owner = Init("acme", "--owner", "platform-team");
        Assert.Equal(2, owner.ExitCode);
        Assert.Equal("beacon init: error BEA0600: owner 'platform-team' is not @user, @org/team or an e-mail address (as GitHub's CODEOWNERS takes them)\n", owner.Stderr);

        var name = Init("Acme Corp", "--owner", "@acme/platform");
        Assert.Equal(2, name.ExitCode);
        Assert.Contains("the organisation's name 'Acme Corp' must be a DNS-1123 label", name.Stderr, StringComparison.Ordinal);

        _parent.Write("taken/README.md", "mine\n");
        var taken = Init("taken", "--owner", "@acme/platform", "--channel", RepoPaths.RepoFile("channels", "demo"));
        Assert.Equal(2, taken.ExitCode);
        Assert.Contains("error BEA0610: 'taken' exists and is not an empty folder", taken.Stderr, StringComparison.Ordinal);
        Assert.Equal(["README.md"], Directory.EnumerateFileSystemEntries(_parent.Path_("taken")).Select(Path.GetFileName));
        Assert.Equal(["taken"], Directory.EnumerateFileSystemEntries(_parent.Root).Select(Path.GetFileName));
    }

    public void Dispose() => _parent.Dispose();
}
