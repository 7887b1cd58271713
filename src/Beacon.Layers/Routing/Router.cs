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
/// satisfy every requirement and whose hardware fits, the one with the fewest packages (ties: the shallowest, then
/// by name). Works offline from the locks.
/// </summary>
public sealed class Router(Workspace workspace, IReadOnlyDictionary<string, LayerLock> locks)
{
    public static Router FromDisk(Workspace workspace) => FromStored(workspace, LockStore.ReadAll(workspace));

    /// <summary>A router over locks already read; invalid locks route nothing.</summary>
    public static Router FromStored(Workspace workspace, IReadOnlyDictionary<string, StoredLock> stored) =>
        new(workspace, stored.Where(kv => kv.Value.Lock is not null).ToDictionary(kv => kv.Key, kv => kv.Value.Lock!, StringComparer.Ordinal));

    /// <param name="platform">Only layers of this platform (a conda subdir); null: the tree's default platform.</param>
    public RouteResult Route(IReadOnlyList<MatchSpec> requires, string? hardware, StackDocument? stack, string? platform = null)
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
        var ordered = candidates
            .OrderBy(c => c.Packages).ThenBy(c => c.Depth).ThenBy(c => c.Layer, StringComparer.Ordinal)
            .ToList();
        return new RouteResult(ordered.FirstOrDefault(c => c.Accepted)?.Layer, ordered);
    }

    public RouteResult Route(WorkloadDocument workload, StackDocument? stack) =>
        Route(workload.RoutingRequires, workload.Hardware?.Value ?? HardwareProfile.DefaultName, stack, workload.Platform?.Value);

    /// <summary>
    /// Where a workload runs: the layer it pins, else the minimum acceptable layer for the stack (every stage when
    /// <paramref name="stack"/> is null); null when none fits. The one placement rule every face uses.
    /// </summary>
    public string? Place(WorkloadDocument workload, StackDocument? stack) => workload.Layer?.Value ?? Route(workload, stack).Layer;
}
