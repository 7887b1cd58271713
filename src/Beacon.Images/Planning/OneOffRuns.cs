using System.Security.Cryptography;
using System.Text;
using Beacon.Conda.Specs;
using Beacon.Images.Rendering;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Routing;
using Beacon.Layers.Validation;

namespace Beacon.Images.Planning;

/// <summary>
/// What <c>beacon run</c> asks for: a layer by name, or MatchSpecs to route like a workload's <c>requires</c>; the
/// hardware profile; <paramref name="Against"/> restricts routing to one stage's layers ("test against production").
/// </summary>
public sealed record RunRequest(string? Layer, IReadOnlyList<MatchSpec> Requires, string? Hardware, Stage? Against, IReadOnlyList<string> Command)
{
    /// <summary>The platform to route on (a conda subdir); null: the tree's default.</summary>
    public string? Platform { get; init; }
}

/// <summary>A one-off run placed like a workload: a <see cref="PlannedWorkload"/> of kind job, and why that layer.</summary>
public sealed record PlannedRun(PlannedWorkload Workload, PlannedImage Image, string Reason, RouteResult? Route);

/// <summary>Why a run could not be placed: the diagnostic every face reports.</summary>
public sealed record RunRefusal(DiagnosticCode Code, string Message);

/// <summary>
/// Places one-off runs with the same rule as workloads (<see cref="Router"/>, the stack's stages and images), so
/// <c>beacon run --requires X</c> picks the layer <c>beacon route --requires X</c> names and the plan deploys.
/// </summary>
public static class OneOffRuns
{
    public static (PlannedRun? Run, RunRefusal? Refusal) Place(StackSession session, RunRequest request)
    {
        var workspace = session.Workspace;
        var stack = request.Against is { } stage ? session.Stack with { Stages = [stage] } : session.Stack;
        var profiles = workspace.HardwareFor(session.Stack);
        var hardwareName = request.Hardware ?? HardwareProfile.DefaultName;
        if (!profiles.TryGetValue(hardwareName, out var hardware))
        {
            return (null, new RunRefusal(DiagnosticCode.UnknownHardwareArgument, $"no hardware profile '{hardwareName}' (known: {string.Join(", ", profiles.Keys)})"));
        }
        if (request.Command.Count == 0 || request.Command.Any(a => !Names.IsSingleLine(a)))
        {
            return (null, new RunRefusal(DiagnosticCode.InvalidCommandLine, "give the command after '--', each argument one line without control characters"));
        }
        string layer;
        string reason;
        RouteResult? route = null;
        if (request.Layer is { } named)
        {
            if (!workspace.Tree.Contains(named))
            {
                return (null, new RunRefusal(DiagnosticCode.UnknownLayerArgument, $"no layer '{named}'"));
            }
            if (request.Against is { } a && workspace.Tree[named].Stage != a)
            {
                return (null, new RunRefusal(DiagnosticCode.RunNotPlaced, $"layer '{named}' is {workspace.Tree[named].Stage.ToText()}, not {a.ToText()}"));
            }
            layer = named;
            reason = $"layer {named}: named with --layer";
        }
        else
        {
            route = Router.FromStored(workspace, session.Locks).Route(request.Requires, hardwareName, stack, request.Platform);
            if (route.Layer is null)
            {
                return (null, new RunRefusal(DiagnosticCode.RunNotPlaced, $"no layer of stack '{session.Stack.Name}'{(request.Against is { } s ? $" at stage {s.ToText()}" : "")} satisfies {string.Join(", ", request.Requires)}: " +
                    string.Join("; ", route.Candidates.Select(c => $"{c.Layer}: {string.Join(", ", c.Rejections)}"))));
            }
            layer = route.Layer;
            var packages = route.Candidates.Single(c => c.Layer == layer).Packages;
            reason = $"layer {layer}: the smallest layer ({packages} packages) whose lock satisfies {string.Join(", ", request.Requires.Select(r => r.ToString()))}" +
                (route.CloserRejected.Count > 0 ? $"; not {string.Join(", ", route.CloserRejected.Select(c => c.Layer))}" : "");
        }
        if (session.Plan.Images.FirstOrDefault(i => i.Layer == layer) is not { } image)
        {
            return (null, new RunRefusal(DiagnosticCode.LayerNotDeployed, $"stack '{session.Stack.Name}' deploys no image of layer '{layer}' (its stages: {string.Join(", ", session.Stack.Stages.Select(s => s.ToText()))})"));
        }
        var workload = new PlannedWorkload(Name(layer, request.Command), WorkloadKind.Job, layer, image.Reference, hardware, request.Command, 1, null, [],
            new Dictionary<string, string>(), session.Stack.Namespace ?? "beacon");
        return (new PlannedRun(workload, image, reason, route), null);
    }

    /// <summary>The Kubernetes Job of a run (the same renderer as the stack's workloads: requests, node selector, GPU tolerations).</summary>
    public static string JobManifest(StackSession session, PlannedRun run)
    {
        var plan = session.Plan with { Workloads = [run.Workload] };
        var job = WorkloadObjects.For(plan).Single(o => o.Kind == "Job");
        return Yaml.Write(job.Manifest());
    }

    /// <summary>A stable name per layer and command (a DNS label), so re-running the same thing names the same Job.</summary>
    private static string Name(string layer, IReadOnlyList<string> command)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(layer + "\0" + string.Join('\0', command))))[..8];
        var prefix = $"run-{layer}";
        return (prefix.Length > 54 ? prefix[..54].TrimEnd('-') : prefix) + "-" + hash;
    }
}
