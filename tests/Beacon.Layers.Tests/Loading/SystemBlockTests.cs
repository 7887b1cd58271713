using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Loading;

/// <summary>A layer's <c>system:</c> as a mapping or as conda info's printed list; both mean the same targets.</summary>
public class SystemBlockTests
{
    private static Workspace Load(string childSystem)
    {
        using var repo = new TempRepo();
        repo.Write("layers/core.yaml", "name: core\nplatform: linux-64\nbase-image: mambaorg/micromamba:1.5.8@sha256:475730daef12ff9c0733e70092aeeefdf4c373a584c952dac3f7bdb739601990\nchannels: [conda-forge]\n");
        repo.Write("layers/child.yaml", $"name: child\nparent: core\nsystem: {childSystem}\n");
        var result = WorkspaceLoader.Load(repo.Root);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Workspace!;
    }

    [Fact]
    public void Conda_infos_printed_list_is_read_into_canonical_values()
    {
        var child = Load("[__cuda=12.4=0, __glibc=2.35=0, __archspec=1=x86_64]").Tree["child"];
        Assert.Equal(new Dictionary<string, string> { ["__archspec"] = "x86_64", ["__cuda"] = "12.4", ["__glibc"] = "2.35" }, child.System);
    }

    [Fact]
    public void Both_spellings_give_the_same_lock_inputs()
    {
        var list = Load("[__cuda=12.4=0, __archspec=1=x86_64]");
        var mapping = Load("{__cuda: \"12.4\", __archspec: x86_64}");
        Assert.Equal(LayerInputs.Sha256(mapping.Tree, "child"), LayerInputs.Sha256(list.Tree, "child"));
    }

    [Fact]
    public void A_build_other_than_zero_is_kept()
    {
        var child = Load("{__cuda: \"12.4=custom\"}").Tree["child"];
        Assert.Equal("12.4=custom", child.System["__cuda"]);
    }
}
