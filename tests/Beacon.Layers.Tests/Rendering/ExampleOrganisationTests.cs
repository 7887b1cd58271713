using Beacon.Layers.Documents;
using Beacon.Layers.Loading;
using Beacon.Layers.Rendering;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Rendering;

/// <summary>The example organisation the README uses: valid, and drawn the same way every time.</summary>
public class ExampleOrganisationTests
{
    private static Workspace Example()
    {
        var result = WorkspaceLoader.Load(RepoPaths.Root);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Workspace!;
    }

    [Fact]
    public void The_example_organisation_is_valid_and_complete()
    {
        var w = Example();
        Assert.Equal(["core", "gpu-ml", "gpu-ml-nightly", "notebook", "r-analytics", "snowflake", "core-arm"], w.Tree.TopologicalOrder.Select(l => l.Name));
        // Two roots: one per platform, each with its own base image.
        Assert.Equal(["core", "core-arm"], w.Tree.Roots.Select(r => r.Name));
        Assert.Equal(["linux-64", "linux-aarch64"], w.Tree.Platforms);
        Assert.Equal("linux-aarch64", w.Workloads.Single(x => x.Name == "pricing-api-arm").Platform?.Value);
        Assert.Equal(Stage.Experimental, w.Tree["gpu-ml-nightly"].Stage);
        Assert.Equal("12.4", w.Tree["gpu-ml"].System["__cuda"]);
        Assert.Equal(["acme-aws-prod", "acme-gcp-dev", "acme-local", "globex-azure-prod", "globex-k8s"], w.Stacks.Select(s => s.Name));
        Assert.Equal(
            [CloudTarget.Aws, CloudTarget.Gcp, CloudTarget.Local, CloudTarget.Azure, CloudTarget.Kubernetes],
            w.Stacks.Select(s => s.Cloud));
        var kinds = w.Workloads.Select(x => x.Kind).ToHashSet();
        Assert.Equal(4, kinds.Count);
        Assert.Equal(3, w.Workloads.Count(x => x.Group == "pricing"));
        Assert.Contains(w.Workloads, x => x.Hardware?.Value == "gpu");
        Assert.Equal("./channels/demo", w.Settings.ChannelMirrors["conda-forge"]);
    }

    [Fact]
    public void Text_graph() => Snapshot.Match(GraphRenderer.Text(Example()), "example-graph-text");

    [Fact]
    public void Mermaid_graph() => Snapshot.Match(GraphRenderer.Mermaid(Example()), "example-graph-mermaid");

    [Fact]
    public void Json_graph() => Snapshot.Match(GraphRenderer.Json(Example()), "example-graph-json");
}
