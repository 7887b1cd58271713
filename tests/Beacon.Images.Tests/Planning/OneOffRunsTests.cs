using Beacon.Conda.Specs;
using Beacon.Images.Planning;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;
using Beacon.Layers.Routing;
using Beacon.TestSupport;
using k8s;
using k8s.Models;

namespace Beacon.Images.Tests.Planning;

public class OneOffRunsTests
{
    private static StackSession Session(string stack)
    {
        var opening = StackSessions.Open(WorkspaceLoader.Load(RepoPaths.Root).Workspace!, stack);
        Assert.True(opening.Success, string.Join("\n", opening.Diagnostics));
        return opening.Session!;
    }

    private static RunRequest Requires(params string[] specs) =>
        new(null, specs.Select(s => MatchSpec.Parse(s)).ToList(), null, null, ["python", "-c", "import pandas"]);

    [Theory]
    [InlineData("pandas >=2")]
    [InlineData("snowflake-connector-python")]
    [InlineData("r-base")]
    [InlineData("python 3.11.*")]
    public void A_run_goes_where_beacon_route_sends_the_same_specs(string spec)
    {
        var session = Session("acme-local");
        var (run, refusal) = OneOffRuns.Place(session, Requires(spec));
        Assert.Null(refusal);
        var route = Router.FromStored(session.Workspace, session.Locks).Route([MatchSpec.Parse(spec)], "cpu", session.Stack);
        Assert.Equal(route.Layer, run!.Workload.Layer);
        Assert.Equal(session.Plan.Images.Single(i => i.Layer == route.Layer).Reference, run.Workload.Image);
        Assert.Contains($"whose lock satisfies {spec}", run.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Against_a_stage_routes_among_that_stages_layers_only()
    {
        var session = Session("acme-local");
        Assert.Equal("gpu-ml-nightly", OneOffRuns.Place(session, Requires("lightning") with { Hardware = "gpu" }).Run!.Workload.Layer);
        var production = OneOffRuns.Place(session, Requires("lightning") with { Hardware = "gpu", Against = Stage.Production });
        Assert.True(production.Refusal!.Code == DiagnosticCode.RunNotPlaced);
        Assert.StartsWith("no layer of stack 'acme-local' at stage production satisfies lightning: ", production.Refusal.Message, StringComparison.Ordinal);
        Assert.Contains("gpu-ml-nightly: stage experimental is not deployed by stack 'acme-local'", production.Refusal.Message, StringComparison.Ordinal);
        Assert.Equal("gpu-ml", OneOffRuns.Place(session, Requires("pytorch") with { Hardware = "gpu", Against = Stage.Production }).Run!.Workload.Layer);
        var (_, refusal) = OneOffRuns.Place(session, new RunRequest("gpu-ml-nightly", [], "gpu", Stage.Production, ["true"]));
        Assert.Equal("layer 'gpu-ml-nightly' is experimental, not production", refusal!.Message);
    }

    [Fact]
    public void A_platform_routes_among_that_roots_layers()
    {
        var session = Session("acme-aws-prod");
        Assert.Equal("core", OneOffRuns.Place(session, Requires("pandas >=2")).Run!.Workload.Layer);
        var arm = OneOffRuns.Place(session, Requires("pandas >=2") with { Platform = "linux-aarch64" }).Run!;
        Assert.Equal(("core-arm", "linux-aarch64"), (arm.Workload.Layer, arm.Image.Platform));
        // The local stack deploys linux-64 only (beacon:platforms).
        Assert.True(OneOffRuns.Place(Session("acme-local"), Requires("pandas >=2") with { Platform = "linux-aarch64" }).Refusal!.Code == DiagnosticCode.RunNotPlaced);
    }

    [Fact]
    public void Refusals_say_what_is_wrong()
    {
        var session = Session("acme-local");
        Assert.True(OneOffRuns.Place(session, Requires("no-such-package")).Refusal!.Code == DiagnosticCode.RunNotPlaced);
        Assert.True(OneOffRuns.Place(session, Requires("pandas") with { Hardware = "quantum" }).Refusal!.Code == DiagnosticCode.UnknownHardwareArgument);
        Assert.True(OneOffRuns.Place(session, new RunRequest("nope", [], null, null, ["true"])).Refusal!.Code == DiagnosticCode.UnknownLayerArgument);
        Assert.Equal("give the command after '--', each argument one line without control characters",
            OneOffRuns.Place(session, Requires("pandas") with { Command = ["echo", "a\nb"] }).Refusal!.Message);
    }

    /// <summary>The Job of a run on a kubernetes stack: strict parse (unknown fields rejected), the profile's requests, a GPU toleration.</summary>
    [Fact]
    public void The_job_manifest_parses_strictly_with_the_profiles_resources()
    {
        var session = Session("globex-k8s");
        var run = OneOffRuns.Place(session, Requires("pandas") with { Hardware = "gpu", Command = ["python", "-c", "print('$(HOME)')"] }).Run!;
        var job = Assert.IsType<V1Job>(Assert.Single(KubernetesYaml.LoadAllFromString(OneOffRuns.JobManifest(session, run), strict: true)));
        var container = Assert.Single(job.Spec.Template.Spec.Containers);
        Assert.Equal(run.Workload.Image.ToString(), container.Image);
        Assert.Equal(["python", "-c", "print('$$(HOME)')"], container.Command);
        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Contains(job.Spec.Template.Spec.Tolerations, t => t.Key == "nvidia.com/gpu");
        Assert.Matches("^run-[a-z0-9-]+-[0-9a-f]{8}$", job.Metadata.Name);
        Assert.Equal(job.Metadata.Name, OneOffRuns.Place(session, Requires("pandas") with { Hardware = "gpu", Command = ["python", "-c", "print('$(HOME)')"] }).Run!.Workload.Name);
    }
}
