using Beacon.Conda.Specs;
using Beacon.Conda.Channels;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
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

    /// <summary>
    /// An experimental fork of core as small as the production notebook layer (the same packages; the tie goes to its
    /// name): work a production layer satisfies stays in production, and reaches the fork only when it says so.
    /// </summary>
    [Fact]
    public async Task Work_never_drifts_into_a_less_stable_layer_unless_it_opts_in()
    {
        using var repo = new TempRepo("beacon-route-stage-");
        repo.CopyExample();
        repo.Write("layers/lab.yaml", "name: lab\nparent: core\nowners: [\"@acme/quant-research\"]\ndependencies:\n  - jupyter_server\nstage: experimental\n");
        repo.Write("workloads/lab-server.yaml", "name: lab-server\nkind: service\ncommand: jupyter server\nrequires: [jupyter_server]\nstage: experimental\n");
        var workspace = WorkspaceLoader.Load(repo.Root).Workspace!;
        using (var locker = new Locker(workspace, new ChannelLoader(null)))
        {
            var run = await locker.RunAsync(new LockOptions { Layers = ["lab"] });
            Assert.True(run.Success);
            locker.Write(run);
        }
        var router = Router.FromDisk(workspace);
        var specs = new[] { MatchSpec.Parse("jupyter_server") };

        var implicitStage = router.Route(specs, "cpu", null);
        Assert.Equal("notebook", implicitStage.Layer);
        var lab = implicitStage.Candidates.Single(c => c.Layer == "lab");
        Assert.Equal(implicitStage.Candidates.Single(c => c.Layer == "notebook").Packages, lab.Packages);
        Assert.Equal(["stage experimental is less stable than production, where the work can run (a production layer satisfies it; 'stage: experimental' opts in)"], lab.Rejections);

        Assert.Equal("lab", router.Route(specs, "cpu", null, stage: Stage.Experimental).Layer);
        Assert.Equal("lab", router.Place(workspace.Workloads.Single(w => w.Name == "lab-server"), null));
        var production = router.Route(specs, "cpu", null, stage: Stage.Production);
        Assert.Equal("notebook", production.Layer);
        Assert.Contains("stage experimental is less stable than the work's stage, production", production.Candidates.Single(c => c.Layer == "lab").Rejections);
        // Work only an experimental layer satisfies goes there without opting in: its stage is experimental.
        Assert.Equal("gpu-ml-nightly", router.Route([MatchSpec.Parse("lightning")], "gpu", null).Layer);
    }

    [Fact]
    public void Closer_rejections_are_the_smaller_layers_only()
    {
        var result = Route("cpu", null, "snowflake-connector-python");
        Assert.Equal("snowflake", result.Layer);
        Assert.Equal(["core", "notebook", "r-analytics"], result.CloserRejected.Select(c => c.Layer));
    }

    /// <summary>
    /// The router decides on booleans and words its reasons only when asked: over every package the example's locks
    /// hold (alone, at its locked version, above it, and paired with pandas), every hardware, stack and stage, the
    /// layer chosen is exactly the first candidate the worded rules accept. One router serves every route, so the
    /// per-spec memory is exercised with repeated specs too.
    /// </summary>
    [Fact]
    public void The_chosen_layer_is_the_first_candidate_the_worded_rules_accept()
    {
        var workspace = Example.Value;
        var router = Router.FromDisk(workspace);
        var locks = LockStore.ReadAll(workspace).Values.Select(s => s.Lock).OfType<LayerLock>().ToList();
        var requirements = locks.SelectMany(l => l.Packages).Select(p => (p.Name, p.Version.Text)).Distinct()
            .SelectMany(p => new[] { new[] { p.Name }, [$"{p.Name} {p.Text}"], [$"{p.Name} >{p.Text}"], [p.Name, "pandas"] })
            .Select(specs => specs.Select(MatchSpec.Parse).ToList())
            .ToList();
        StackDocument?[] stacks = [null, .. workspace.Stacks];
        Stage?[] stages = [null, Stage.Experimental, Stage.Production];
        var routes = 0;
        var placed = 0;
        foreach (var requires in requirements)
        {
            foreach (var hardware in new[] { "cpu", "gpu" })
            {
                foreach (var stack in stacks)
                {
                    foreach (var stage in stages)
                    {
                        var result = router.Route(requires, hardware, stack, null, stage);
                        Assert.Equal(result.Candidates.FirstOrDefault(c => c.Accepted)?.Layer, result.Layer);
                        routes++;
                        placed += result.Layer is null ? 0 : 1;
                    }
                }
            }
        }
        // Both outcomes are well represented: the comparison is not between two nulls.
        Assert.True(placed > routes / 4 && placed < routes, $"{placed} of {routes} routes placed");
    }
}
