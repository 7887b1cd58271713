using Beacon.Layers.Documents;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;

namespace Beacon.Docker.Testing;

/// <summary>A named list of commands run inside one image, a container each.</summary>
public sealed record TestSuite(string Name, IReadOnlyList<string> Commands);

/// <summary>
/// What <c>beacon test</c> runs in a layer's image: the layer's own <c>tests:</c>, and with <c>--against</c> the tests
/// of every workload the given stack places on the layer's parent — the proof that a child can take over the work of
/// its parent without breaking it. Placement is the router's one rule (<see cref="Layers.Routing.Router.Place"/>).
/// </summary>
public static class LayerTestPlan
{
    public static IReadOnlyList<TestSuite> For(GateResult checkedWorkspace, string layer, StackDocument? against)
    {
        var workspace = checkedWorkspace.Workspace;
        var document = workspace.Tree[layer];
        var suites = new List<TestSuite> { Own(workspace, layer) };
        if (against is not null && document.Parent is { } parent)
        {
            var router = checkedWorkspace.Router();
            foreach (var w in workspace.Workloads.Where(w => w.RunsIn(against) && w.Tests.Count > 0 && router.Place(w, against) == parent.Value))
            {
                suites.Add(new TestSuite($"workload {w.Name} (runs on {parent.Value} in {against.Name})", w.Tests));
            }
        }
        return suites;
    }

    /// <summary>The layer's own <c>tests:</c>, the suite its publication depends on.</summary>
    public static TestSuite Own(Workspace workspace, string layer) => new($"layer {layer}", workspace.Tree[layer].Tests);
}
