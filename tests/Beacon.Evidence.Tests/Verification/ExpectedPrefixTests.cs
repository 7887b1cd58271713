using Beacon.Conda.Channels;
using Beacon.Conda.Packages;
using Beacon.Evidence.Verification;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Oci.Building;
using Beacon.TestSupport;

namespace Beacon.Evidence.Tests.Verification;

/// <summary>
/// The expectation of a layer derived from its parent's (one install: what a post-build proof of a tree does) is the
/// expectation derived from scratch (every layer of the chain installed): the same files with the same hashes, sizes and
/// modes, the same packages, the same state. Beacon's test channel, locked here; no registry.
/// </summary>
public sealed class ExpectedPrefixTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-expected-");

    [Fact]
    public async Task A_child_derived_over_its_parents_expectation_is_the_one_derived_from_scratch()
    {
        _repo.CopyFrom(Fixtures.Path("conda", "beacon-test-channel"), "channels/beacon-test");
        _repo.Write("beacon.yaml", "channels:\n  beacon-test: ./channels/beacon-test\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: registry.example/base:1@sha256:{new string('e', 64)}\nchannels: [beacon-test]\nstage: production\ndependencies:\n  - python 3.11.*\n  - beacon-greeting\n");
        _repo.Write("layers/tools.yaml", "name: tools\nparent: core\nstage: production\ndependencies:\n  - beacon-py\n");
        _repo.Write("layers/app.yaml", "name: app\nparent: tools\nstage: production\ndependencies:\n  - beacon-app\n");
        var workspace = WorkspaceLoader.Load(_repo.Root).Workspace!;
        var locker = new Locker(workspace, new ChannelLoader(null));
        var run = await locker.RunAsync(new LockOptions());
        Assert.True(run.Success);
        locker.Write(run);

        workspace = WorkspaceLoader.Load(_repo.Root).Workspace!;
        var channels = await ChannelIndex.LoadAsync(workspace, new ChannelLoader(null));
        using var cache = new PackageCache(_repo.Path_("cache/pkgs"));
        var packages = new LayerPackages(workspace, channels, cache);
        var fetched = new List<string>();
        var whole = await ExpectedPrefix.DeriveAsync(packages, "app", null, CancellationToken.None);
        var core = await ExpectedPrefix.DeriveAsync(packages, "core", null, CancellationToken.None);
        var tools = await ExpectedPrefix.DeriveAsync(packages, "tools", null, CancellationToken.None, parent: core);
        var app = await ExpectedPrefix.DeriveAsync(packages, "app", line => fetched.Add(line), CancellationToken.None, parent: tools);

        Assert.Equal(["core", "tools", "app"], app.Chain);
        Assert.Equal(whole.Files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, f.Value.Entry, f.Value.Package.Record.DistString)),
            app.Files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, f.Value.Entry, f.Value.Package.Record.DistString)));
        Assert.Equal(whole.Packages.Select(p => (p.Record.DistString, p.Layer)), app.Packages.Select(p => (p.Record.DistString, p.Layer)));
        Assert.Equal(whole.LockSha256, app.LockSha256);
        Assert.Equal(whole.BaseImage, app.BaseImage);
        Assert.Contains(app.Files, f => f.Value.Entry.Executable);
        // Only app's own package was fetched for it: its ancestors came with the parent's expectation.
        Assert.Equal(["  fetching beacon-app-1.0-0.conda"], fetched);

        // A parent derived from other lock files is not reused: the chain is derived again.
        var stale = await ExpectedPrefix.DeriveAsync(packages, "app", null, CancellationToken.None, parent: core);
        Assert.Equal(whole.Files.Keys.Order(StringComparer.Ordinal), stale.Files.Keys.Order(StringComparer.Ordinal));
    }

    public void Dispose() => _repo.Dispose();
}
