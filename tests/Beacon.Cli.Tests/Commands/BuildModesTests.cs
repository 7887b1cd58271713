using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>
/// The modes of <c>beacon build</c> that build nothing: <c>--matrix</c> (the deploy workflow's levels) and <c>--emit
/// kubernetes</c> (the in-cluster Jobs, source and commit read from git unless given), and what they refuse. The
/// Jobs' contents are tested in Images.Tests (strict parsing) and Pulumi.Tests (the provider's schema); <c>--await</c>
/// against a real registry in Integration.Tests (BuildMatrixTests).
/// </summary>
public sealed class BuildModesTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-build-modes-");

    public BuildModesTests() => _repo.CopyExample();

    private ProcessResult Beacon(params string[] args) => ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(1), args);

    [Fact]
    public void The_matrix_lists_the_layers_by_level_parents_first()
    {
        var all = Beacon("build", "--matrix", "--stack", "acme-local");
        Assert.Equal(0, all.ExitCode);
        Assert.Equal("{\n  \"levels\": [\n    [\n      \"core\"\n    ],\n    [\n      \"gpu-ml\",\n      \"notebook\",\n      \"r-analytics\",\n      \"snowflake\"\n    ],\n    [\n      \"gpu-ml-nightly\"\n    ]\n  ]\n}\n", all.Stdout);
        var some = Beacon("build", "--matrix", "--stack", "acme-local", "gpu-ml-nightly", "core");
        Assert.Contains("\"gpu-ml-nightly\"", some.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"notebook\"", some.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Emit_reads_the_source_and_commit_from_git_and_says_so_when_it_cannot()
    {
        var none = Beacon("build", "--emit", "kubernetes", "--stack", "globex-k8s", "--beacon-image", "ghcr.io/acme/beacon:1.4");
        Assert.Equal(2, none.ExitCode);
        Assert.StartsWith("beacon build: error BEA0600: give --source and --commit: git could not tell them", none.Stderr, StringComparison.Ordinal);

        _repo.Git("init", "-q", "-b", "main");
        _repo.Git("add", "-A");
        _repo.Git("commit", "-q", "-m", "the organisation");
        _repo.Git("remote", "add", "origin", "git@github.com:acme/layers.git");
        var head = ProcessRunner.Run("git", ["rev-parse", "HEAD"], _repo.Root).Stdout.Trim();
        var emitted = Beacon("build", "--emit", "kubernetes", "--stack", "globex-k8s", "--beacon-image", "ghcr.io/acme/beacon:1.4", "core");
        Assert.True(emitted.ExitCode == 0, emitted.Stderr);
        Assert.Contains("- git@github.com:acme/layers.git\n", emitted.Stdout, StringComparison.Ordinal);
        Assert.Contains($"- {head}\n", emitted.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, emitted.Stdout.Split("\n---\n").Length); // the namespace and core's Job
    }

    [Theory]
    [InlineData("build|--matrix|--await|5|core", "beacon build: error BEA0600: --matrix, --await and --emit are separate modes: give one")]
    [InlineData("build|--source|https://x.example/r.git", "beacon build: error BEA0600: --beacon-image, --source, --commit, --registry-secret, --source-secret and --namespace go with --emit kubernetes")]
    [InlineData("build|--emit|kubernetes|--stack|globex-k8s", "beacon build: error BEA0600: --emit kubernetes needs --beacon-image")]
    [InlineData("build|--emit|kubernetes|--stack|globex-k8s|--beacon-image|ghcr.io/a/b:1|--source|file:///etc|--commit|0123456789012345678901234567890123456789", "beacon build: error BEA0600: --source 'file:///etc' is not a git URL")]
    [InlineData("build|--emit|kubernetes|--stack|acme-aws-prod|--beacon-image|ghcr.io/a/b:1|--source|https://x.example/r.git|--commit|0123456789012345678901234567890123456789", "beacon build: error BEA0600: stack 'acme-aws-prod' names no beacon:registry")]
    [InlineData("build|--await|5|--stack|acme-local", "beacon build: error BEA0600: --await needs the layers to wait for")]
    public void Bad_combinations_are_refused_before_any_work(string args, string stderr)
    {
        var r = Beacon(args.Split('|'));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith(stderr, r.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _repo.Dispose();
}
