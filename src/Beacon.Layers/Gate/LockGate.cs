using Beacon.Conda.Channels;
using Beacon.Conda.Specs;
using Beacon.Conda.VirtualPackages;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Layers.Routing;

namespace Beacon.Layers.Gate;

/// <summary>
/// The offline gate that runs before every deployment and on every pull request (<c>beacon check</c>): every layer
/// has a valid, current lock; every child lock holds its parent's records unchanged; every dependency is satisfied;
/// the virtual packages the locked records need fit the layer's <c>system:</c>; CUDA layers run on GPU hardware;
/// workloads pinned to a layer are satisfied by it, and every other workload routes to a layer in every stack; a
/// committed CODEOWNERS matches the owners (<see cref="Ownership.CodeOwners"/>). And
/// nothing in a lock is trusted that was not checked against the channel it names (<see cref="LockVerifier"/>): the
/// channels' repodata is read (local folders, or the verified cache of an http channel).
/// </summary>
public static class LockGate
{
    /// <summary>Loads the channels the layers use, reads every lock once, and checks the workspace against them.</summary>
    public static async Task<GateResult> RunAsync(Workspace workspace, ChannelLoader loader, CancellationToken cancellationToken = default) =>
        await RunAsync(workspace, await ChannelIndex.LoadAsync(workspace, loader, cancellationToken: cancellationToken), cancellationToken: cancellationToken);

    /// <summary>
    /// Reads every lock once and checks the workspace against them and the channels; with a <paramref name="cache"/>,
    /// a pass on exactly these contents is remembered and reused (<see cref="GateCache"/>).
    /// </summary>
    /// <param name="today">The day policy exceptions are judged on; null: today (UTC).</param>
    public static async Task<GateResult> RunAsync(Workspace workspace, ChannelIndex channels, GateCache? cache = null,
        DateOnly? today = null, CancellationToken cancellationToken = default)
    {
        var day = today ?? Today;
        var key = cache is null ? null : GateCache.Key(workspace, channels, day);
        var locks = LockStore.ReadAll(workspace);
        if (key is not null && cache!.Passed(key))
        {
            return new GateResult(workspace, locks, []);
        }
        var result = new GateResult(workspace, locks, await CheckAsync(workspace, locks, channels, day, cancellationToken));
        if (key is not null && result.Passed)
        {
            cache!.RecordPass(key);
        }
        return result;
    }

    /// <summary>
    /// The gate over locks the caller has already read, reading from the channels the package names those locks hold
    /// (for a sharded channel, only their shards).
    /// </summary>
    public static async Task<IReadOnlyList<Diagnostic>> CheckAsync(Workspace workspace, IReadOnlyDictionary<string, StoredLock> stored, ChannelIndex channels,
        DateOnly? today = null, CancellationToken cancellationToken = default)
    {
        await channels.LoadLocksAsync(stored.Values.SelectMany(s => s.Lock?.Packages ?? []), cancellationToken);
        return Check(workspace, stored, channels, today);
    }

    /// <summary>The day the gate judges policy exceptions on, when the caller names none: today in UTC.</summary>
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>The gate over locks the caller has already read (so a pipeline reads each lock file once), their names loaded (<see cref="CheckAsync"/>).</summary>
    public static IReadOnlyList<Diagnostic> Check(Workspace workspace, IReadOnlyDictionary<string, StoredLock> stored, ChannelIndex channels, DateOnly? today = null)
    {
        var bag = new DiagnosticBag();
        var tree = workspace.Tree;
        if (File.Exists(workspace.FullPath(LockStore.JournalPath)))
        {
            // Half the set is new and half old: every other finding would be noise.
            bag.Error(new SourceLocation(LockStore.JournalPath), DiagnosticCode.InterruptedLock,
                "a 'beacon lock' was interrupted while it replaced the lock files, so some are new and some old; run 'beacon lock' again");
            return bag.Sorted();
        }
        var untrusted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in tree.TopologicalOrder)
        {
            var at = layer.NameLocation with { Column = 1, Line = 1 };
            if (!stored.TryGetValue(layer.Name, out var s))
            {
                bag.Error(at, DiagnosticCode.MissingLock, $"layer '{layer.Name}' has no lock ({LockStore.RelativePath(layer.Name)}); run 'beacon lock {layer.Name}'");
                untrusted.Add(layer.Name);
                continue;
            }
            if (s.Error is not null)
            {
                bag.Add(s.Error);
                untrusted.Add(layer.Name);
                continue;
            }
            if (!CheckLayer(workspace, layer, s, stored, channels, untrusted, bag))
            {
                untrusted.Add(layer.Name);
            }
        }
        Policy.PolicyCheck.Run(workspace, stored, channels,
            tree.TopologicalOrder.Select(l => l.Name).Where(n => !untrusted.Contains(n)).ToHashSet(StringComparer.Ordinal), today ?? Today, bag);
        ReportLeftOut(workspace, channels, bag);
        CheckOrphans(workspace, bag);
        Ownership.CodeOwners.Check(workspace, bag);
        // Routing over a missing or unreadable lock would blame every workload for it: those findings wait until the
        // locks are fixed (the lock findings above say how).
        if (tree.TopologicalOrder.All(l => stored.TryGetValue(l.Name, out var s) && s.Lock is not null))
        {
            CheckWorkloads(workspace, Router.FromStored(workspace, stored), bag);
        }
        return bag.Sorted();
    }

    /// <summary>
    /// A warning per channel that holds records named for another package than their fields say (left out, never
    /// locked), at the first layer that uses the channel: the rest of the channel is used, and the records are named
    /// so nobody wonders where a package went. Records without a sha256 are left out silently here: old channels hold
    /// many, the README says so, and a lock that names one is refused with the reason (<see cref="LockVerifier"/>).
    /// </summary>
    private static void ReportLeftOut(Workspace workspace, ChannelIndex channels, DiagnosticBag bag)
    {
        foreach (var channel in channels.Channels)
        {
            var anomalies = channel.LeftOut.Where(r => r.Reason == Conda.Repodata.LeftOutReason.NamedForAnotherPackage).ToList();
            if (anomalies.Count == 0)
            {
                continue;
            }
            var layer = workspace.Tree.TopologicalOrder.FirstOrDefault(l => workspace.Tree.EffectiveChannels(l.Name).Contains(channel.Name));
            var at = layer is null ? new SourceLocation(RepositorySources.SettingsFile) : layer.NameLocation with { Column = 1, Line = 1 };
            foreach (var warning in Conda.Repodata.LeftOutRecord.Warnings(channel.Name, anomalies))
            {
                bag.Add(Diagnostic.Warning(at, DiagnosticCode.ChannelRecordsLeftOut, warning));
            }
        }
    }

    /// <summary>
    /// One layer's lock, in the order that gives the clearest account: the header names the right layer; the parent's
    /// records are kept unchanged (unless the parent's own lock was refused: then that says it all); every record is
    /// the channel's and the file is what <c>beacon lock</c> writes; then whether it is current and satisfies the layer.
    /// Returns whether the lock can be trusted.
    /// </summary>
    private static bool CheckLayer(Workspace workspace, LayerDocument layer, StoredLock stored, IReadOnlyDictionary<string, StoredLock> all,
        ChannelIndex channels, IReadOnlySet<string> untrusted, DiagnosticBag bag)
    {
        var tree = workspace.Tree;
        var lockFile = stored.Lock!;
        var lockAt = new SourceLocation(stored.Path);
        var parentName = layer.Parent?.Value;
        if (lockFile.Layer != layer.Name || lockFile.Parent != parentName || lockFile.File.Platform != tree.PlatformOf(layer.Name))
        {
            bag.Error(lockAt, DiagnosticCode.LockHeaderMismatch,
                $"the lock says layer '{lockFile.Layer}', parent '{lockFile.Parent ?? "(none)"}', platform {lockFile.File.Platform}; " +
                $"the layer is '{layer.Name}' with parent '{parentName ?? "(none)"}' on {tree.PlatformOf(layer.Name)}; run 'beacon lock {layer.Name}'");
            return false;
        }
        if (parentName is null && layer.BaseImage is { } baseImage)
        {
            // Images are built FROM the pin the root's lock records: without it, FROM whatever the tag names that day.
            var wanted = baseImage.Value;
            if (lockFile.BaseImage is not { } recorded || BaseImagePins.DigestOf(recorded) is null)
            {
                bag.Error(lockAt, DiagnosticCode.BaseImageNotPinned,
                    $"the lock pins no digest for the base image {wanted}, so a tag moved upstream would change every image; run 'beacon lock {layer.Name}' (it asks the registry once)");
                return false;
            }
            if (!BaseImagePins.Matches(recorded, wanted))
            {
                bag.Error(lockAt, DiagnosticCode.BaseImageNotPinned,
                    $"the lock pins the base image {recorded}, but the layer says base-image: {wanted}; run 'beacon lock {layer.Name}'");
                return false;
            }
        }
        var parent = parentName is null ? null : all.GetValueOrDefault(parentName);
        if (parentName is not null && (untrusted.Contains(parentName) || parent?.Lock is null))
        {
            return false; // the parent's finding comes first: 'beacon lock' will redo this layer too
        }
        if (parent is not null)
        {
            var before = bag.Items.Count;
            CheckParentRecords(stored, parent, bag);
            if (bag.Items.Count > before)
            {
                return false;
            }
        }
        var verification = LockVerifier.Verify(tree, layer, stored, parent, channels);
        if (verification.Count > 0)
        {
            // What the lock says cannot be believed: the other findings about it would rest on it.
            bag.AddRange(verification);
            return false;
        }
        if (lockFile.InputsSha256 != LayerInputs.Sha256(tree, layer.Name))
        {
            bag.Error(layer.NameLocation with { Line = 1, Column = 1 }, DiagnosticCode.StaleLock,
                $"layer '{layer.Name}' changed since it was locked (dependencies, channels or system); run 'beacon lock {layer.Name}' and commit {stored.Path}");
        }
        if (parent is not null && lockFile.ParentLockSha256 != parent.Sha256)
        {
            bag.Error(lockAt, DiagnosticCode.ParentLockChanged,
                $"'{layer.Name}' was locked on an older lock of its parent '{parentName}'; run 'beacon lock {layer.Name}'");
        }
        CheckDependencies(layer, lockFile, bag);
        CheckVirtual(workspace, layer, lockFile, bag);
        return true;
    }

    private static void CheckParentRecords(StoredLock child, StoredLock parent, DiagnosticBag bag)
    {
        var childByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < child.Lock!.Packages.Count; i++)
        {
            childByName.TryAdd(child.Lock.Packages[i].Name, i);
        }
        foreach (var p in parent.Lock!.Packages)
        {
            if (!childByName.TryGetValue(p.Name, out var index))
            {
                bag.Error(new SourceLocation(child.Path), DiagnosticCode.ParentRecordAltered,
                    $"the lock removes {p.Name} {p.Version.Text} {p.Build}, which its parent '{parent.Layer}' installs; a layer can only add packages (was the lock edited by hand? run 'beacon lock {child.Layer}')");
                continue;
            }
            var c = child.Lock.Packages[index];
            if (c.Version.Text != p.Version.Text || c.Build != p.Build || c.Sha256 != p.Sha256)
            {
                var line = child.Lock.File.PackageLines.Count > index ? child.Lock.File.PackageLines[index] : 1;
                var what = c.Version.Text != p.Version.Text || c.Build != p.Build
                    ? $"{p.Version.Text} {p.Build} to {c.Version.Text} {c.Build}"
                    : $"its sha256 {Short(p.Sha256)} to {Short(c.Sha256)}";
                bag.Error(new SourceLocation(child.Path, line), DiagnosticCode.ParentRecordAltered,
                    $"the lock changes {p.Name} from {what}, but its parent '{parent.Layer}' fixes it; a layer can only add packages (fork the parent to change it)");
            }
        }
    }

    private static string Short(string? sha) => sha is null ? "(none)" : sha[..Math.Min(12, sha.Length)] + "…";

    private static void CheckDependencies(LayerDocument layer, LayerLock lockFile, DiagnosticBag bag)
    {
        foreach (var dep in layer.Dependencies)
        {
            var named = lockFile.Named(dep.Spec.Name);
            if (named.Count == 0)
            {
                bag.Error(dep.Location, DiagnosticCode.DependencyNotInLock, $"'{dep.Text}' is not in the lock; run 'beacon lock {layer.Name}'");
            }
            else if (!named.Any(dep.Spec.Matches))
            {
                bag.Error(dep.Location, DiagnosticCode.DependencyNotInLock,
                    $"the lock has {named[0].Name} {named[0].Version.Text} {named[0].Build}, which does not satisfy '{dep.Text}'; run 'beacon lock {layer.Name}'");
            }
        }
    }

    private static void CheckVirtual(Workspace workspace, LayerDocument layer, LayerLock lockFile, DiagnosticBag bag)
    {
        var tree = workspace.Tree;
        var system = LayerInputs.EffectiveSystem(tree, layer.Name);
        var target = VirtualPackageSet.ForTarget(tree.PlatformOf(layer.Name), system).ToRecords().ToDictionary(r => r.Name, StringComparer.Ordinal);
        var at = layer.NameLocation;
        foreach (var text in lockFile.VirtualRequirements)
        {
            var spec = MatchSpec.TryParse(text);
            if (!spec.Success)
            {
                continue;
            }
            if (!target.TryGetValue(spec.Value.Name, out var have))
            {
                bag.Error(at, DiagnosticCode.VirtualRequirementUnmet,
                    $"locked packages require '{text}', but layer '{layer.Name}' targets no {spec.Value.Name}; set it under 'system:' (e.g. {spec.Value.Name}: \"12.4\")");
            }
            else if (!spec.Value.Matches(have))
            {
                bag.Error(at, DiagnosticCode.VirtualRequirementUnmet,
                    $"locked packages require '{text}', but layer '{layer.Name}' targets {have.Name} {have.Version.Text}");
            }
        }
        foreach (var text in lockFile.VirtualConstraints)
        {
            var spec = MatchSpec.TryParse(text);
            if (spec.Success && target.TryGetValue(spec.Value.Name, out var have) && !spec.Value.Matches(have))
            {
                bag.Error(at, DiagnosticCode.VirtualRequirementUnmet,
                    $"locked packages need '{text}', but layer '{layer.Name}' targets {have.Name} {have.Version.Text}");
            }
        }
        var needsCuda = system.ContainsKey("__cuda") || lockFile.VirtualRequirements.Any(r => r.StartsWith("__cuda", StringComparison.Ordinal));
        if (needsCuda)
        {
            var profiles = workspace.HardwareFor(null);
            if (layer.Hardware is null)
            {
                bag.Error(at, DiagnosticCode.GpuLayerWithoutGpu, $"layer '{layer.Name}' targets CUDA but sets no 'hardware:'; name a GPU profile such as 'gpu'");
            }
            else if (profiles.TryGetValue(layer.Hardware.Value.Value, out var profile) && !profile.HasGpu)
            {
                bag.Error(layer.Hardware.Value.Location, DiagnosticCode.GpuLayerWithoutGpu,
                    $"layer '{layer.Name}' targets CUDA but hardware profile '{profile.Name}' has no GPU");
            }
        }
    }

    private static void CheckOrphans(Workspace workspace, DiagnosticBag bag)
    {
        var dir = workspace.FullPath("layers");
        foreach (var file in Directory.EnumerateFiles(dir, "*.lock").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (!workspace.Tree.Contains(name))
            {
                bag.Error(new SourceLocation(LockStore.RelativePath(name)), DiagnosticCode.OrphanLock,
                    $"'{LockStore.RelativePath(name)}' belongs to no layer (layers/{name}.yaml is gone); delete it");
            }
        }
    }

    private static void CheckWorkloads(Workspace workspace, Router router, DiagnosticBag bag)
    {
        foreach (var w in workspace.Workloads)
        {
            if (w.Layer is { } pinned)
            {
                // A pin is the workload's own choice of layer: it opts in to that layer's stage.
                var route = router.Route(w.RoutingRequires, w.Hardware?.Value ?? HardwareProfile.DefaultName, null, w.Platform?.Value, w.Stage ?? Stage.Experimental);
                var candidate = route.Candidates.FirstOrDefault(c => c.Layer == pinned.Value);
                if (candidate is { Accepted: false })
                {
                    bag.Error(pinned.Location, DiagnosticCode.WorkloadLayerLacksRequirement,
                        $"workload '{w.Name}' pins layer '{pinned.Value}', but {string.Join("; ", candidate.Rejections)}");
                }
                continue;
            }
            // One finding per workload and reason, naming every stack it fails in (not one per stack).
            var failures = workspace.Stacks.Where(w.RunsIn)
                .Select(stack => (stack.Name, Route: router.Route(w, stack)))
                .Where(x => x.Route.Layer is null)
                .Select(x => (x.Name, Nearest: x.Route.Candidates.FirstOrDefault(c => c.Packages != int.MaxValue)))
                .GroupBy(x => x.Nearest is null ? "" : $" (the smallest, '{x.Nearest.Layer}': {string.Join("; ", x.Nearest.Rejections)})");
            foreach (var failure in failures)
            {
                var stacks = failure.Select(x => $"'{x.Name}'").ToList();
                bag.Error(w.NameLocation, DiagnosticCode.NoAcceptableLayer,
                    $"no layer deployed by stack{(stacks.Count == 1 ? "" : "s")} {string.Join(", ", stacks)} fits workload '{w.Name}'{failure.Key}" +
                    "; add the packages to a layer, or pin 'layer:'");
            }
        }
    }
}
