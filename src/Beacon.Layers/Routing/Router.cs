using Beacon.Conda.Specs;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;

namespace Beacon.Layers.Routing;

/// <summary>How one layer fared for a workload: accepted, or the reasons it was rejected.</summary>
public sealed record RouteCandidate(string Layer, int Packages, int Depth, IReadOnlyList<string> Rejections)
{
    public bool Accepted => Rejections.Count == 0;
}

/// <summary>The minimum acceptable layer (null when none fits) and how every layer fared, smallest first.</summary>
public sealed record RouteResult(string? Layer, IReadOnlyList<RouteCandidate> Candidates)
{
    /// <summary>Layers smaller than (or as small as) the chosen one that were rejected: why routing went further.</summary>
    public IReadOnlyList<RouteCandidate> CloserRejected =>
        Candidates.TakeWhile(c => c.Layer != Layer).Where(c => !c.Accepted).ToList();
}

/// <summary>
/// Routing to the minimum acceptable layer: among the layers whose stage the stack deploys, whose locked packages
/// satisfy every requirement, whose hardware fits and whose stage is at least as stable as the work's, the one with
/// the fewest packages (ties: the shallowest, then by name). The work's stage is the one it states, else the most
/// stable stage among the layers that satisfy it: a job a production layer can run never moves into an experimental
/// fork because the fork is smaller. Works offline from the locks.
/// </summary>
public sealed class Router(Workspace workspace, IReadOnlyDictionary<string, LayerLock> locks)
{
    public static Router FromDisk(Workspace workspace) => FromStored(workspace, LockStore.ReadAll(workspace));

    /// <summary>A router over locks already read; invalid locks route nothing.</summary>
    public static Router FromStored(Workspace workspace, IReadOnlyDictionary<string, StoredLock> stored) =>
        new(workspace, stored.Where(kv => kv.Value.Lock is not null).ToDictionary(kv => kv.Key, kv => kv.Value.Lock!, StringComparer.Ordinal));

    /// <param name="platform">Only layers of this platform (a conda subdir); null: the tree's default platform.</param>
    /// <param name="stage">The least stable stage the work may run in; null: the most stable stage that satisfies it.</param>
    public RouteResult Route(IReadOnlyList<MatchSpec> requires, string? hardware, StackDocument? stack, string? platform = null, Stage? stage = null)
    {
        platform ??= workspace.Tree.DefaultPlatform;
        var profiles = workspace.HardwareFor(stack);
        var workloadHasGpu = hardware is not null && profiles.TryGetValue(hardware, out var wp) && wp.HasGpu;
        var candidates = new List<RouteCandidate>();
        // Layers of another platform are never candidates: their packages would not run there.
        foreach (var layer in workspace.Tree.TopologicalOrder.Where(l => workspace.Tree.PlatformOf(l.Name) == platform))
        {
            var rejections = new List<string>();
            if (stack?.Platforms is { } deployedPlatforms && !deployedPlatforms.Contains(workspace.Tree.PlatformOf(layer.Name)))
            {
                rejections.Add($"stack '{stack.Name}' deploys no {workspace.Tree.PlatformOf(layer.Name)} layers");
            }
            if (stack is not null && !stack.Stages.Contains(layer.Stage))
            {
                rejections.Add($"stage {layer.Stage.ToText()} is not deployed by stack '{stack.Name}'");
            }
            locks.TryGetValue(layer.Name, out var lockFile);
            if (lockFile is null)
            {
                rejections.Add("it has no valid lock");
            }
            else
            {
                foreach (var spec in requires)
                {
                    var named = lockFile.Named(spec.Name);
                    if (named.Count == 0)
                    {
                        rejections.Add($"it has no {spec.Name} (needs '{spec}')");
                    }
                    else if (!named.Any(spec.Matches))
                    {
                        rejections.Add($"it has {spec.Name} {named[0].Version.Text}, not '{spec}'");
                    }
                }
            }
            if (layer.Hardware is { } lh && profiles.TryGetValue(lh.Value, out var layerProfile) && layerProfile.HasGpu && !workloadHasGpu)
            {
                rejections.Add($"it needs GPU hardware ({lh.Value}) and the workload runs on {hardware ?? HardwareProfile.DefaultName}");
            }
            candidates.Add(new RouteCandidate(layer.Name, lockFile?.Packages.Count ?? int.MaxValue, workspace.Tree.Depth(layer.Name), rejections));
        }
        // Stage safety: below the work's stage, a layer is rejected with the rule that excluded it.
        var stageOf = workspace.Tree.TopologicalOrder.ToDictionary(l => l.Name, l => l.Stage, StringComparer.Ordinal);
        var floor = stage ?? candidates.Where(c => c.Accepted).Select(c => (Stage?)stageOf[c.Layer]).Max();
        if (floor is { } least)
        {
            var why = stage is null
                ? $"{least.ToText()}, where the work can run (a {least.ToText()} layer satisfies it; 'stage: experimental' opts in)"
                : $"the work's stage, {least.ToText()}";
            candidates = candidates.Select(c => stageOf[c.Layer] < least
                ? c with { Rejections = [.. c.Rejections, $"stage {stageOf[c.Layer].ToText()} is less stable than {why}"] }
                : c).ToList();
        }
        var ordered = candidates
            .OrderBy(c => c.Packages).ThenBy(c => c.Depth).ThenBy(c => c.Layer, StringComparer.Ordinal)
            .ToList();
        return new RouteResult(ordered.FirstOrDefault(c => c.Accepted)?.Layer, ordered);
    }

    public RouteResult Route(WorkloadDocument workload, StackDocument? stack) =>
        Route(workload.RoutingRequires, workload.Hardware?.Value ?? HardwareProfile.DefaultName, stack, workload.Platform?.Value, workload.Stage);

    /// <summary>
    /// Where a workload runs: the layer it pins, else the minimum acceptable layer for the stack (every stage when
    /// <paramref name="stack"/> is null); null when none fits. The one placement rule every face uses.
    /// </summary>
    public string? Place(WorkloadDocument workload, StackDocument? stack) => workload.Layer?.Value ?? Route(workload, stack).Layer;
}
