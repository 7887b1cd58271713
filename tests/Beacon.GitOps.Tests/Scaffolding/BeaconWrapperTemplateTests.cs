using Beacon.GitOps.Scaffolding;
using Beacon.TestSupport;

namespace Beacon.GitOps.Tests.Scaffolding;

/// <summary>
/// The <c>./beacon</c> that <c>beacon init</c> writes, run as written: Beacon's source at the pinned commit is fetched
/// and built once per machine in the user's cache and shared by every repository that pins it — also when two
/// repositories start at the same moment. The Beacon source is a scratch git repository whose <c>beacon</c> is a
/// visible stand-in (it logs each call; the real one publishes the native CLI, which CI's README step runs).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BeaconWrapperTemplateTests : IDisposable
{
    private readonly TempRepo _scratch = new("beacon-init-wrapper-");

    private string Calls => _scratch.Path_("calls.log");

    private string SourceRepository()
    {
        _scratch.Write("source/beacon", $"#!/bin/sh\n# STAND-IN for Beacon's ./beacon: logs the call instead of building and running the CLI;\n# its first call (--version) takes a second, as a build takes a minute.\necho \"$*\" >> '{Calls}'\n[ \"$1\" = --version ] && sleep 1\necho \"beacon at $(git -C \"$(dirname \"$0\")\" rev-parse --short HEAD): $*\"\n");
        File.SetUnixFileMode(_scratch.Path_("source/beacon"), (UnixFileMode)0b111_101_101);
        Git("init", "--quiet", "-b", "main");
        Git("add", "beacon");
        Git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "--quiet", "-m", "stand-in");
        return Git("rev-parse", "HEAD").Trim();
    }

    private string Git(params string[] args)
    {
        var r = ProcessRunner.Run("git", args, _scratch.Path_("source"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout;
    }

    private void Repository(string name, string commit)
    {
        var files = RepositoryTemplate.Files(new InitOptions
        {
            Organisation = name, Owner = "@acme/platform", Channel = "/channels/demo", BeaconSource = _scratch.Path_("source"), BeaconRef = commit,
        });
        _scratch.Write($"{name}/beacon", files["beacon"]);
        File.SetUnixFileMode(_scratch.Path_($"{name}/beacon"), (UnixFileMode)0b111_101_101);
    }

    private ProcessResult Run(string name) =>
        ProcessRunner.Run(_scratch.Path_($"{name}/beacon"), ["check"], _scratch.Path_(name),
            new Dictionary<string, string?> { ["BEACON_CACHE_DIR"] = _scratch.Path_("cache"), ["HOME"] = _scratch.Path_("home") });

    [Fact]
    public void Two_repositories_pinning_one_commit_share_one_fetch_and_build()
    {
        var commit = SourceRepository();
        Repository("acme", commit);
        Repository("globex", commit);
        var shared = _scratch.Path_($"cache/src/{commit}");

        var first = Run("acme");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal($"beacon at {commit[..7]}: check\n", first.Stdout);
        Assert.StartsWith($"beacon: fetching Beacon {commit} into {shared} (once per machine; shared by every repository that pins it)\n", first.Stderr, StringComparison.Ordinal);
        var second = Run("globex");
        Assert.Equal((0, $"beacon at {commit[..7]}: check\n", ""), (second.ExitCode, second.Stdout, second.Stderr));
        Assert.Equal(["--version", "check", "check"], File.ReadAllLines(Calls));
        Assert.All(new[] { "acme", "globex" }, n => Assert.Equal(shared, new DirectoryInfo(_scratch.Path_($"{n}/.beacon/src")).LinkTarget));
    }

    [Fact]
    public async Task Two_repositories_starting_at_once_fetch_and_build_once()
    {
        var commit = SourceRepository();
        Repository("acme", commit);
        Repository("globex", commit);
        var runs = await Task.WhenAll(new[] { "acme", "globex" }.Select(n => Task.Run(() => Run(n))));
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Stderr));
        Assert.Equal(1, File.ReadAllLines(Calls).Count(l => l == "--version"));
        Assert.Equal(2, File.ReadAllLines(Calls).Count(l => l == "check"));
    }

    public void Dispose() => _scratch.Dispose();
}
