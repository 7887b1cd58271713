using Beacon.Layers.Loading;
using Beacon.Layers.Tree;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Tree;

public class LayerTreeTests
{
    private static LayerTree Build(params (string Name, string? Parent)[] layers)
    {
        using var repo = new TempRepo();
        foreach (var (name, parent) in layers)
        {
            repo.Write($"layers/{name}.yaml", parent is null
                ? $"name: {name}\nplatform: linux-64\nbase-image: debian:12\n"
                : $"name: {name}\nparent: {parent}\n");
        }
        var result = WorkspaceLoader.Load(repo.Root);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Workspace!.Tree;
    }

    private static readonly (string, string?)[] Shape =
    [
        ("core", null), ("snowflake", "core"), ("gpu-ml", "core"), ("gpu-ml-nightly", "gpu-ml"),
        ("a-analytics", "core"), ("gpu-ml-canary", "gpu-ml"), ("deep", "gpu-ml-nightly"),
    ];

    [Fact]
    public void Relations_are_complete_and_sorted()
    {
        var tree = Build(Shape);
        Assert.Equal(["core"], tree.Roots.Select(r => r.Name));
        Assert.Equal(7, tree.Count);
        Assert.Equal(["a-analytics", "gpu-ml", "snowflake"], tree.Children("core").Select(l => l.Name));
        Assert.Equal(["gpu-ml-canary", "gpu-ml-nightly"], tree.Children("gpu-ml").Select(l => l.Name));
        Assert.Equal(["gpu-ml-nightly", "gpu-ml", "core"], tree.Ancestors("deep").Select(l => l.Name));
        Assert.Equal(["gpu-ml-canary", "gpu-ml-nightly", "deep"], tree.Descendants("gpu-ml").Select(l => l.Name));
        Assert.Empty(tree.Descendants("deep"));
        Assert.Equal("gpu-ml", tree.Parent("gpu-ml-nightly")!.Name);
        Assert.Null(tree.Parent("core"));
        Assert.Equal(0, tree.Depth("core"));
        Assert.Equal(3, tree.Depth("deep"));
    }

    [Fact]
    public void Topological_order_puts_parents_first_and_is_stable()
    {
        var tree = Build(Shape);
        var order = tree.TopologicalOrder.Select(l => l.Name).ToList();
        Assert.Equal(["core", "a-analytics", "gpu-ml", "gpu-ml-canary", "gpu-ml-nightly", "deep", "snowflake"], order);
        foreach (var layer in tree.TopologicalOrder.Where(l => !l.IsRoot))
        {
            Assert.True(order.IndexOf(layer.Parent!.Value.Value) < order.IndexOf(layer.Name));
        }
        // Same input in another file order gives the same tree order.
        Assert.Equal(order, Build(Shape.Reverse().ToArray()).TopologicalOrder.Select(l => l.Name));
    }

    [Fact]
    public void Channels_are_inherited_from_the_nearest_ancestor()
    {
        using var repo = new TempRepo();
        repo.Write("layers/core.yaml", "name: core\nplatform: linux-64\nbase-image: debian:12\nchannels: [conda-forge]\n");
        repo.Write("layers/mid.yaml", "name: mid\nparent: core\nchannels: [my-org, conda-forge]\n");
        repo.Write("layers/leaf.yaml", "name: leaf\nparent: mid\n");
        repo.Write("layers/other.yaml", "name: other\nparent: core\n");
        var tree = WorkspaceLoader.Load(repo.Root).Workspace!.Tree;
        Assert.Equal(["my-org", "conda-forge"], tree.EffectiveChannels("leaf"));
        Assert.Equal(["conda-forge"], tree.EffectiveChannels("other"));
    }

    /// <summary>Roots per OS base or platform: each subtree takes its root's platform and prefix.</summary>
    [Fact]
    public void Several_roots_each_give_their_subtree_its_platform()
    {
        using var repo = new TempRepo();
        repo.Write("layers/core.yaml", "name: core\nplatform: linux-64\nbase-image: debian:12\n");
        repo.Write("layers/tools.yaml", "name: tools\nparent: core\n");
        repo.Write("layers/core-arm.yaml", "name: core-arm\nplatform: linux-aarch64\nbase-image: arm64v8/debian:12\nprefix: /srv/env\n");
        repo.Write("layers/tools-arm.yaml", "name: tools-arm\nparent: core-arm\n");
        var result = WorkspaceLoader.Load(repo.Root);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var tree = result.Workspace!.Tree;
        Assert.Equal(["core", "core-arm"], tree.Roots.Select(r => r.Name));
        Assert.Equal(["core", "tools", "core-arm", "tools-arm"], tree.TopologicalOrder.Select(l => l.Name));
        Assert.Equal(("linux-aarch64", "/srv/env", "core-arm"), (tree.PlatformOf("tools-arm"), tree.PrefixOf("tools-arm"), tree.RootOf("tools-arm").Name));
        Assert.Equal(("linux-64", "/opt/conda"), (tree.PlatformOf("tools"), tree.PrefixOf("tools")));
        Assert.Equal(["linux-64", "linux-aarch64"], tree.Platforms);
        Assert.Equal("linux-64", tree.DefaultPlatform);
        Assert.Equal(0, tree.Depth("core-arm"));

        // A child cannot move to another platform.
        repo.Write("layers/tools-arm.yaml", "name: tools-arm\nparent: core\nplatform: linux-aarch64\n");
        var refused = WorkspaceLoader.Load(repo.Root);
        Assert.Contains(refused.Diagnostics, d => d.ToString() == "layers/tools-arm.yaml(3,1): error BEA0107: 'platform' can only be set on the root layer; a child layer inherits it from its parent 'core'");
    }
}
