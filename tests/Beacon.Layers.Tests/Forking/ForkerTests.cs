using Beacon.Layers.Diagnostics;
using Beacon.Conda.Channels;
using Beacon.Layers.Forking;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Forking;

public sealed class ForkerTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-fork-");

    public ForkerTests()
    {
        _repo.Write("beacon.yaml", $"channels:\n  defaults: {Fixtures.Channel("defaults-2018")}\n");
        _repo.Write("layers/base.yaml", "name: base\nplatform: linux-64\nbase-image: mambaorg/micromamba:1.5.8@sha256:475730daef12ff9c0733e70092aeeefdf4c373a584c952dac3f7bdb739601990\nchannels: [defaults]\nstage: production\ndependencies:\n  - python 3.6.*\n");
        _repo.Write("layers/numeric.yaml", "name: numeric\nparent: base\nstage: production\ndependencies:\n  - numpy 1.15.*\n");
        _repo.Write("layers/analytics.yaml", "name: analytics\nparent: numeric\nowners: [\"@acme/quants\"]\ndescription: pandas on numpy\nstage: production\ndependencies:\n  - pandas\n");
    }

    private async Task<Workspace> Locked()
    {
        var workspace = WorkspaceLoader.Load(_repo.Root).Workspace!;
        using var locker = new Locker(workspace, new ChannelLoader(null));
        var run = await locker.RunAsync(new LockOptions());
        Assert.True(run.Success);
        locker.Write(run);
        return WorkspaceLoader.Load(_repo.Root).Workspace!;
    }

    [Fact]
    public async Task A_fork_is_written_locked_experimental_and_passes_the_gate()
    {
        var workspace = await Locked();
        var result = await new Forker(workspace, new ChannelLoader(null)).ForkAsync(new ForkRequest("analytics", "analytics-scipy", null, ["scipy"], "jane@example.com"));
        Assert.IsType<Forked>(result);
        var yaml = File.ReadAllText(_repo.Path_("layers/analytics-scipy.yaml"));
        Snapshot.Match(yaml, "fork-layer-file");
        var after = WorkspaceLoader.Load(_repo.Root);
        Assert.True(after.Success, string.Join("\n", after.Diagnostics));
        Assert.Equal(Beacon.Layers.Documents.Stage.Experimental, after.Workspace!.Tree["analytics-scipy"].Stage);
        Assert.Empty((await LockGate.RunAsync(after.Workspace, new ChannelLoader(null))).Diagnostics);
    }

    [Fact]
    public async Task When_the_parent_pins_block_the_fork_an_ancestor_that_works_is_proposed_and_nothing_is_written()
    {
        var workspace = await Locked();
        var result = Assert.IsType<ForkNotLockable>(await new Forker(workspace, new ChannelLoader(null)).ForkAsync(new ForkRequest("analytics", "analytics-old-numpy", null, ["numpy 1.14.*"], null)));
        Assert.Equal("base", result.ProposedParent);
        Assert.Contains("which layer 'numeric' pins", result.Explanation, StringComparison.Ordinal);
        Assert.False(File.Exists(_repo.Path_("layers/analytics-old-numpy.yaml")));
        Assert.False(File.Exists(_repo.Path_("layers/analytics-old-numpy.lock")));

        var onBase = await new Forker(workspace, new ChannelLoader(null)).ForkAsync(new ForkRequest("analytics", "analytics-old-numpy", "base", ["numpy 1.14.*"], null));
        Assert.IsType<Forked>(onBase);
    }

    [Theory]
    [InlineData("nope", "x", null, "no layer 'nope'", DiagnosticCode.UnknownLayerArgument)]
    [InlineData("analytics", "Bad_Name", null, "not a valid layer name", DiagnosticCode.InvalidName)]
    [InlineData("analytics", "numeric", null, "already exists", DiagnosticCode.LayerExists)]
    [InlineData("base", "base2", null, "is the root", DiagnosticCode.InvalidCommandLine)]
    [InlineData("analytics", "a2", "nowhere", "no layer 'nowhere'", DiagnosticCode.UnknownLayerArgument)]
    public async Task Bad_requests_are_refused_with_their_own_code(string source, string name, string? parent, string message, DiagnosticCode code)
    {
        var workspace = await Locked();
        var result = Assert.IsType<ForkRefused>(await new Forker(workspace, new ChannelLoader(null)).ForkAsync(new ForkRequest(source, name, parent, [], null)));
        Assert.Equal(code, result.Code);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _repo.Dispose();
}
