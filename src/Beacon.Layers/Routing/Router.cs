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

/// <summary>
/// The minimum acceptable layer (null when none fits) and how every layer fared, smallest first. The candidates and
/// their reasons are worded only when asked for: placing a thousand workloads needs only <see cref="Layer"/>.
/// </summary>
public sealed class RouteResult
{
    private readonly Lazy<IReadOnlyList<RouteCandidate>> _candidates;

    public RouteResult(string? layer, Func<IReadOnlyList<RouteCandidate>> candidates)
    {
        Layer = layer;
        _candidates = new Lazy<IReadOnlyList<RouteCandidate>>(candidates, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string? Layer { get; }

    /// <summary>Every layer of the platform, smallest first, with the reasons each was rejected.</summary>
    public IReadOnlyList<RouteCandidate> Candidates => _candidates.Value;

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
/// <remarks>
/// The layers' facts and their routing order are computed once per router, and whether a layer satisfies a spec once
/// per distinct spec: at 500 layers and 1,000 workloads, routing is a walk over booleans. The reasons a layer was
/// rejected are worded by <see cref="Judge"/>, the same predicates in words, only when a caller reads them.
/// </remarks>
public sealed class Router
{
    private readonly Workspace _workspace;
    private readonly IReadOnlyDictionary<string, LayerLock> _locks;
    private readonly LayerFacts[] _ordered;
    private readonly Dictionary<MatchSpec, bool[]> _bySpec = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, bool[]> _bySpecText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyDictionary<string, HardwareProfile>> _profiles = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Router(Workspace workspace, IReadOnlyDictionary<string, LayerLock> locks)
    {
        _workspace = workspace;
        _locks = locks;
        var tree = workspace.Tree;
        _ordered = tree.TopologicalOrder
            .Select(l => new LayerFacts(l, tree.PlatformOf(l.Name), tree.Depth(l.Name), locks.GetValueOrDefault(l.Name)))
            .OrderBy(f => f.Packages).ThenBy(f => f.Depth).ThenBy(f => f.Layer.Name, StringComparer.Ordinal)
            .ToArray();
        for (var i = 0; i < _ordered.Length; i++)
        {
            _ordered[i] = _ordered[i] with { Index = i };
        }
    }

    public static Router FromDisk(Workspace workspace) => FromStored(workspace, LockStore.ReadAll(workspace));

    /// <summary>A router over locks already read; invalid locks route nothing.</summary>
    public static Router FromStored(Workspace workspace, IReadOnlyDictionary<string, StoredLock> stored) =>
        new(workspace, stored.Where(kv => kv.Value.Lock is not null).ToDictionary(kv => kv.Key, kv => kv.Value.Lock!, StringComparer.Ordinal));

    /// <param name="platform">Only layers of this platform (a conda subdir); null: the tree's default platform.</param>
    /// <param name="stage">The least stable stage the work may run in; null: the most stable stage that satisfies it.</param>
    public RouteResult Route(IReadOnlyList<MatchSpec> requires, string? hardware, StackDocument? stack, string? platform = null, Stage? stage = null)
    {
        platform ??= _workspace.Tree.DefaultPlatform;
        var profiles = ProfilesFor(stack);
        var workloadHasGpu = hardware is not null && profiles.TryGetValue(hardware, out var wp) && wp.HasGpu;
        var satisfied = requires.Select(Satisfying).ToArray();

        bool Accepts(LayerFacts f) =>
            (stack?.Platforms is not { } deployed || deployed.Contains(f.Platform))
            && (stack is null || stack.Stages.Contains(f.Layer.Stage))
            && f.Lock is not null
            && satisfied.All(s => s[f.Index])
            && !NeedsGpu(f, profiles, workloadHasGpu);

        // Layers of another platform are never candidates: their packages would not run there.
        var floor = stage;
        if (floor is null)
        {
            foreach (var f in _ordered)
            {
                if (f.Platform == platform && (floor is null || f.Layer.Stage > floor) && Accepts(f))
                {
                    floor = f.Layer.Stage;
                }
            }
        }
        var chosen = floor is { } least
            ? _ordered.FirstOrDefault(f => f.Platform == platform && f.Layer.Stage >= least && Accepts(f))?.Layer.Name
            : null;
        return new RouteResult(chosen, () => _ordered
            .Where(f => f.Platform == platform)
            .Select(f => Judge(f, requires, hardware, workloadHasGpu, profiles, stack, floor, stage is null))
            .ToList());
    }

    public RouteResult Route(WorkloadDocument workload, StackDocument? stack) =>
        Route(workload.RoutingRequires, workload.Hardware?.Value ?? HardwareProfile.DefaultName, stack, workload.Platform?.Value, workload.Stage);

    /// <summary>
    /// Where a workload runs: the layer it pins, else the minimum acceptable layer for the stack (every stage when
    /// <paramref name="stack"/> is null); null when none fits. The one placement rule every face uses.
    /// </summary>
    public string? Place(WorkloadDocument workload, StackDocument? stack) => workload.Layer?.Value ?? Route(workload, stack).Layer;

    /// <summary>The predicates of <see cref="Route"/> in words: every reason this layer is not acceptable.</summary>
    private RouteCandidate Judge(LayerFacts f, IReadOnlyList<MatchSpec> requires, string? hardware, bool workloadHasGpu,
        IReadOnlyDictionary<string, HardwareProfile> profiles, StackDocument? stack, Stage? floor, bool floorInferred)
    {
        var rejections = new List<string>();
        if (stack?.Platforms is { } deployedPlatforms && !deployedPlatforms.Contains(f.Platform))
        {
            rejections.Add($"stack '{stack.Name}' deploys no {f.Platform} layers");
        }
        if (stack is not null && !stack.Stages.Contains(f.Layer.Stage))
        {
            rejections.Add($"stage {f.Layer.Stage.ToText()} is not deployed by stack '{stack.Name}'");
        }
        if (f.Lock is null)
        {
            rejections.Add("it has no valid lock");
        }
        else
        {
            foreach (var spec in requires)
            {
                var named = f.Lock.Named(spec.Name);
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
        if (NeedsGpu(f, profiles, workloadHasGpu))
        {
            rejections.Add($"it needs GPU hardware ({f.Layer.Hardware!.Value}) and the workload runs on {hardware ?? HardwareProfile.DefaultName}");
        }
        // Stage safety: below the work's stage, a layer is rejected with the rule that excluded it.
        if (floor is { } least && f.Layer.Stage < least)
        {
            var why = floorInferred
                ? $"{least.ToText()}, where the work can run (a {least.ToText()} layer satisfies it; 'stage: experimental' opts in)"
                : $"the work's stage, {least.ToText()}";
            rejections.Add($"stage {f.Layer.Stage.ToText()} is less stable than {why}");
        }
        return new RouteCandidate(f.Layer.Name, f.Packages, f.Depth, rejections);
    }

    private static bool NeedsGpu(LayerFacts f, IReadOnlyDictionary<string, HardwareProfile> profiles, bool workloadHasGpu) =>
        f.Layer.Hardware is { } lh && profiles.TryGetValue(lh.Value, out var layerProfile) && layerProfile.HasGpu && !workloadHasGpu;

    /// <summary>Which layers (by routing index) lock a package that satisfies the spec; once per distinct spec.</summary>
    private bool[] Satisfying(MatchSpec spec)
    {
        lock (_gate)
        {
            if (_bySpec.TryGetValue(spec, out var known))
            {
                return known;
            }
            var text = spec.ToString();
            if (!_bySpecText.TryGetValue(text, out known))
            {
                known = _ordered.Select(f => f.Lock is { } l && l.Named(spec.Name).Any(spec.Matches)).ToArray();
                _bySpecText[text] = known;
            }
            _bySpec[spec] = known;
            return known;
        }
    }

    private IReadOnlyDictionary<string, HardwareProfile> ProfilesFor(StackDocument? stack)
    {
        lock (_gate)
        {
            var key = stack?.Name ?? "";
            if (!_profiles.TryGetValue(key, out var profiles))
            {
                _profiles[key] = profiles = _workspace.HardwareFor(stack);
            }
            return profiles;
        }
    }

    /// <summary>What routing needs of a layer, computed once.</summary>
    private sealed record LayerFacts(LayerDocument Layer, string Platform, int Depth, LayerLock? Lock)
    {
        public int Packages { get; } = Lock?.Packages.Count ?? int.MaxValue;
        public int Index { get; init; }
    }
}
