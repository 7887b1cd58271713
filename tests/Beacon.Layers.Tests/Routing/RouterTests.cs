using Beacon.Conda.Specs;
using Beacon.Layers.Loading;
using Beacon.Layers.Routing;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Routing;

/// <summary>Routing on the example organisation's committed locks.</summary>
public class RouterTests
{
    private static readonly Lazy<Workspace> Example = new(() => WorkspaceLoader.Load(RepoPaths.Root).Workspace!);

    private static RouteResult Route(string hardware, string? stack, params string[] specs) =>
        Router.FromDisk(Example.Value).Route(specs.Select(MatchSpec.Parse).ToList(), hardware, stack is null ? null : Example.Value.Stack(stack));

    [Fact]
    public void The_smallest_layer_that_has_everything_wins()
    {
        Assert.Equal("core", Route("cpu", null, "pandas >=2", "fastapi").Layer);
        Assert.Equal("snowflake", Route("cpu", null, "pandas", "snowflake-connector-python").Layer);
        Assert.Equal("r-analytics", Route("cpu", null, "r-base 4.3.*").Layer);
    }

    [Fact]
    public void Version_mismatches_are_rejections_with_the_reason()
    {
        var result = Route("cpu", null, "numpy >=2");
        Assert.Null(result.Layer);
        Assert.Contains(result.Candidates, c => c.Layer == "core" && c.Rejections.Single() == "it has numpy 1.26.4, not 'numpy >=2'");
    }

    [Fact]
    public void Gpu_layers_need_gpu_hardware_and_stages_follow_the_stack()
    {
        Assert.Null(Route("cpu", null, "pytorch").Layer);
        Assert.Equal("gpu-ml", Route("gpu", null, "pytorch").Layer);
        Assert.Equal("gpu-ml-nightly", Route("gpu", "acme-gcp-dev", "lightning").Layer);
        var prod = Route("gpu", "acme-aws-prod", "lightning");
        Assert.Null(prod.Layer);
        Assert.Contains(prod.Candidates, c => c.Layer == "gpu-ml-nightly" && c.Rejections.Contains("stage experimental is not deployed by stack 'acme-aws-prod'"));
    }

    [Fact]
    public void Closer_rejections_are_the_smaller_layers_only()
    {
        var result = Route("cpu", null, "snowflake-connector-python");
        Assert.Equal("snowflake", result.Layer);
        Assert.Equal(["core", "notebook", "r-analytics"], result.CloserRejected.Select(c => c.Layer));
    }
}
