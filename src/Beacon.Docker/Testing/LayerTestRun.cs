using Beacon.Docker.Engine;
using Beacon.Images.Planning;
using Beacon.Layers.Documents;

namespace Beacon.Docker.Testing;

/// <summary>One <c>beacon test</c>: the image tested (as the plan locates it) and every test case's result.</summary>
public sealed record LayerTestOutcome(LocatedImage Image, IReadOnlyList<TestCaseResult> Results)
{
    public bool Passed => Results.All(r => r.Passed);
}

/// <summary>
/// Tests a layer's planned image and records the evidence <see cref="Publishing.Publisher"/> asks for: locate the image
/// the plan names (<see cref="PlannedImageLocator"/>, as publish does), run <see cref="LayerTestPlan"/>'s suites in it,
/// record the verdict with the fingerprint of the layer's tests. The CLI only prints.
/// </summary>
public sealed class LayerTestRun(DockerClient client, PlannedImageLocator locator, TestEvidence evidence)
{
    /// <returns>null when the plan's image is not built.</returns>
    public async Task<LayerTestOutcome?> RunAsync(StackSession session, string layer, StackDocument? against, TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        var image = session.Plan.Images.Single(i => i.Layer == layer);
        if (await locator.LocateAsync(session.Plan, image, cancellationToken) is not { } located)
        {
            return null;
        }
        var suites = LayerTestPlan.For(session.Checked, layer, against);
        var tester = new LayerTester(client);
        var results = new List<TestCaseResult>();
        foreach (var suite in suites)
        {
            results.AddRange(await tester.RunAsync(located.Reference, suite.Name, suite.Commands, timeout, cancellationToken));
        }
        var outcome = new LayerTestOutcome(located, results);
        evidence.Record(located.Inspect.Id, layer, LayerTestPlan.Own(session.Workspace, layer), outcome.Passed, results.Count);
        return outcome;
    }
}
