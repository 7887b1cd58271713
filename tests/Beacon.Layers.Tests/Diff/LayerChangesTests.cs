using Beacon.Layers.Diff;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Diff;

/// <summary>Layer-level changes between two repositories (the package moves need locks; see the Images tests).</summary>
public class LayerChangesTests
{
    private static Workspace Repo(TempRepo repo, params (string File, string Text)[] files)
    {
        repo.Write("layers/core.yaml", "name: core\nplatform: linux-64\nbase-image: mambaorg/micromamba:1.5.8@sha256:475730daef12ff9c0733e70092aeeefdf4c373a584c952dac3f7bdb739601990\nchannels: [conda-forge]\ndependencies:\n  - python 3.11.*\n");
        foreach (var (file, text) in files)
        {
            repo.Write(file, text);
        }
        var result = WorkspaceLoader.Load(repo.Root);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Workspace!;
    }

    [Fact]
    public void Pip_requirements_added_and_dropped_a_fork_and_a_removed_layer()
    {
        using var before = new TempRepo();
        using var after = new TempRepo();
        var baseWorkspace = Repo(before,
            ("layers/web.yaml", "name: web\nparent: core\ndependencies:\n  - flask\n  - pip: [gunicorn==22.0, requests-toolbelt]\n"),
            ("layers/old.yaml", "name: old\nparent: core\ndependencies: [six]\n"));
        var head = Repo(after,
            ("layers/web.yaml", "name: web\nparent: core\ndependencies:\n  - flask\n  - pip: [gunicorn==22.0, sentry-sdk]\n"),
            ("layers/web-next.yaml", "name: web-next\nparent: core\nforked-from: web\ndependencies:\n  - flask\n  - pip: [gunicorn==23.0]\n"));
        var empty = new Dictionary<string, StoredLock>();
        var changes = LayerChanges.Compute(baseWorkspace, empty, head, empty).ToDictionary(c => c.Layer);

        Assert.Equal(LayerChangeKind.Unchanged, changes["core"].Kind);
        Assert.Equal(LayerChangeKind.Changed, changes["web"].Kind);
        Assert.Equal(["sentry-sdk"], changes["web"].PipAdded);
        Assert.Equal(["requests-toolbelt"], changes["web"].PipRemoved);
        Assert.Equal((LayerChangeKind.Forked, "web"), (changes["web-next"].Kind, changes["web-next"].ForkedFrom));
        Assert.Equal(["gunicorn==23.0"], changes["web-next"].PipAdded);
        Assert.Equal(LayerChangeKind.Removed, changes["old"].Kind);
    }

    [Fact]
    public void A_base_image_change_changes_the_root()
    {
        using var before = new TempRepo();
        using var after = new TempRepo();
        var baseWorkspace = Repo(before);
        var head = Repo(after);
        after.Write("layers/core.yaml", File.ReadAllText(after.Path_("layers/core.yaml")).Replace("1.5.8", "1.5.9", StringComparison.Ordinal));
        head = WorkspaceLoader.Load(after.Root).Workspace!;
        var empty = new Dictionary<string, StoredLock>();
        Assert.Equal(LayerChangeKind.Changed, LayerChanges.Compute(baseWorkspace, empty, head, empty).Single().Kind);
    }
}
