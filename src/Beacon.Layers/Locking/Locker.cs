using Beacon.Conda;
using Beacon.Conda.Channels;
using Beacon.Conda.Records;
using Beacon.Conda.Repodata;
using Beacon.Conda.Solver;
using Beacon.Conda.Solver.Explanation;
using Beacon.Conda.VirtualPackages;
using Beacon.Layers.Loading;

namespace Beacon.Layers.Locking;

public sealed record LockOptions
{
    /// <summary>Layers to lock (with any stale ancestors); empty means every layer.</summary>
    public IReadOnlyList<string> Layers { get; init; } = [];
    /// <summary>Package names to free from the existing locks (re-solved to their best version).</summary>
    public IReadOnlyList<string> Update { get; init; } = [];
    /// <summary>
    /// Free every package of the targeted layers (the scheduled upgrade job): each moves to its best version that
    /// still fits the layer's specs and its parent's records. Children are solved again on the new parent locks.
    /// </summary>
    public bool UpdateAll { get; init; }
    /// <summary>
    /// Solve every targeted layer again even when its lock looks current (<c>beacon lock --check</c>): a lock that
    /// passes every check but is not what the solver makes of its layer shows up as a lock that would change.
    /// </summary>
    public bool SolveAll { get; init; }
    /// <summary>
    /// Ask the registry again which digest each targeted root's <c>base-image:</c> tag names, and move the recorded pin
    /// to it (<c>beacon lock --update-base</c>). Without it a recorded pin never moves: a tag moved upstream changes no lock.
    /// </summary>
    public bool UpdateBase { get; init; }
}

public enum LockStatus
{
    UpToDate,
    Locked,
    Failed,
    /// <summary>Not attempted because an ancestor failed.</summary>
    Blocked,
}

/// <summary>What happened to one layer in a lock run: one of the four records below.</summary>
public abstract record LayerLockResult(string Layer)
{
    public abstract LockStatus Status { get; }
}

/// <summary>The layer's lock is current; nothing to write.</summary>
public sealed record LayerUpToDate(string Layer) : LayerLockResult(Layer)
{
    public override LockStatus Status => LockStatus.UpToDate;
}

/// <summary>A new lock: its text, the records the layer adds over its parent, those that changed, and why it was solved.</summary>
public sealed record LayerLocked(string Layer, string Text, IReadOnlyList<string> Added, IReadOnlyList<string> Changed, string Reason) : LayerLockResult(Layer)
{
    public override LockStatus Status => LockStatus.Locked;

    /// <summary>The root's base-image tag names another digest than its lock records (found by <c>lock --check</c> or <c>--update-base</c>).</summary>
    public bool BaseImageMoved { get; init; }

    /// <summary>The new lock's records, and the lock it replaces (null: none, or one that did not parse): what moved.</summary>
    public Conda.Locks.ExplicitLock? File { get; init; }
    public Conda.Locks.ExplicitLock? Previous { get; init; }
}

/// <summary>
/// The layer cannot be locked: the solver's explanation (<see cref="Conflict"/>), or a problem before solving. When a
/// pin of its parent's lock is among the causes, <see cref="BlockingParent"/> names that parent.
/// </summary>
public sealed record LayerNotLocked(string Layer, string Reason, ConflictExplanation? Conflict, string? Problem = null, string? BlockingParent = null,
    bool BlockingParentIsRoot = false)
    : LayerLockResult(Layer)
{
    public override LockStatus Status => LockStatus.Failed;

    public string Explanation => Conflict?.Text ?? Problem ?? "";

    /// <summary>What to do about it, in a layer's terms (null when there is nothing to add to the explanation).</summary>
    public string? Hint(string layerFile)
    {
        var hints = new List<string>();
        if (BlockingParent is { } p && BlockingParentIsRoot)
        {
            // A root cannot be forked (a second root is a new base image, not a fork): the change belongs in the root.
            hints.Add($"hint: layer '{p}' (the root) fixes these packages, and a layer can only add to its parent. A root is not forked: " +
                      $"change them in layers/{p}.yaml, which every layer inherits, and run 'beacon lock'.");
        }
        else if (BlockingParent is { } q)
        {
            hints.Add($"hint: layer '{q}' fixes these packages, and a layer can only add to its parent. To change them without touching '{q}': " +
                      $"beacon fork {q} --as {q}-next --add <spec>, then set 'parent: {q}-next' in {layerFile}.");
        }
        foreach (var name in Conflict?.MissingVirtualPackages ?? [])
        {
            hints.Add($"hint: the layer's containers have no {name}; if they do, say so under 'system:' in {layerFile} (e.g. {name}: \"12.4\").");
        }
        return hints.Count == 0 ? null : string.Concat(hints.Select(h => h + "\n"));
    }
}

/// <summary>Not attempted: an ancestor could not be locked.</summary>
public sealed record LayerBlocked(string Layer, string Parent) : LayerLockResult(Layer)
{
    public override LockStatus Status => LockStatus.Blocked;
}

/// <summary>The outcome of a lock run; files are written only when every layer succeeded.</summary>
public sealed record LockRun(IReadOnlyList<LayerLockResult> Results, int Solves)
{
    public bool Success => Results.All(r => r.Status is LockStatus.UpToDate or LockStatus.Locked);
}

/// <summary>
/// Locks the layer tree top-down: each layer is solved with every record of its parent's lock as a hard pin, its
/// effective channels and its virtual-package targets, preferring its existing lock (soft locks) so that a re-lock
/// moves as little as possible. A layer is re-solved only when its inputs or its parent's lock changed, or when
/// <c>--update</c> frees one of its packages. Nothing is written unless every layer locks.
/// </summary>
public sealed class Locker(Workspace workspace, ChannelLoader loader) : IDisposable
{
    /// <summary>How long a run waits for another run in the same repository to finish (<see cref="RepositoryLock"/>).</summary>
    public TimeSpan WaitLimit { get; init; } = TimeSpan.FromMinutes(10);

    private RepositoryLock? _held;

    /// <summary>Learns the digest a root's base-image tag names; null (offline): only recorded or written-out pins are used.</summary>
    public BaseImageResolver? BaseImages { get; init; }

    /// <summary>Releases the repository's lock when no <see cref="Write"/> did.</summary>
    public void Dispose()
    {
        _held?.Dispose();
        _held = null;
    }

    /// <summary>
    /// Solves what is stale. The repository's lock is taken first and held until <see cref="Write"/> or
    /// <see cref="Dispose"/>, so what was read, solved and written belongs to one run.
    /// </summary>
    public async Task<LockRun> RunAsync(LockOptions options, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var tree = workspace.Tree;
        var unknown = options.Layers.Where(l => !tree.Contains(l)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"no such layer: {string.Join(", ", unknown)}");
        }
        _held ??= await RepositoryLock.AcquireAsync(workspace, progress, WaitLimit, cancellationToken);
        // What a killed run left: its temporary files go; its journal stays until this run's locks are in place.
        AtomicFile.CleanStale(workspace.FullPath("layers"));
        var stored = LockStore.ReadAll(workspace);
        var targets = options.Layers.Count == 0
            ? tree.TopologicalOrder.Select(l => l.Name).ToHashSet(StringComparer.Ordinal)
            : options.Layers.SelectMany(l => tree.Ancestors(l).Select(a => a.Name).Append(l)).ToHashSet(StringComparer.Ordinal);
        var update = options.Update.Select(u => u.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        // Every channel is read: a lock is only up to date when its records are the channels' (a hand-edited lock is
        // solved again, never kept because its header still matches).
        progress?.Invoke("reading channels");
        var channels = await ChannelIndex.LoadAsync(workspace, loader, cancellationToken: cancellationToken);

        var newTexts = new Dictionary<string, string>(StringComparer.Ordinal);
        var results = new List<LayerLockResult>();
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var solves = 0;
        foreach (var layer in tree.TopologicalOrder)
        {
            var parentName = layer.Parent?.Value;
            if (parentName is not null && failed.Contains(parentName))
            {
                failed.Add(layer.Name);
                results.Add(new LayerBlocked(layer.Name, parentName));
                continue;
            }
            var parentRelocked = parentName is not null && newTexts.ContainsKey(parentName);
            stored.TryGetValue(layer.Name, out var existing);
            if (!targets.Contains(layer.Name) && !parentRelocked)
            {
                continue;
            }
            var parentText = parentName is null ? null : newTexts.GetValueOrDefault(parentName) ?? stored.GetValueOrDefault(parentName)?.Text;
            var parentSha = parentText is null ? null : LayerLock.Sha256Of(parentText);
            var inputs = LayerInputs.Sha256(tree, layer.Name);
            var freed = existing?.Lock?.Packages.Where(p => update.Contains(p.Name) || (options.UpdateAll && targets.Contains(layer.Name)))
                .Select(p => p.Name).ToHashSet(StringComparer.Ordinal) ?? [];
            var pin = parentName is null ? await PinBaseImageAsync(layer, existing, options, targets.Contains(layer.Name), progress, cancellationToken) : null;
            if (pin is { Problem: { } problem })
            {
                failed.Add(layer.Name);
                results.Add(new LayerNotLocked(layer.Name, "its base image is not pinned", null, problem));
                continue;
            }
            var parentStored = parentName is null ? null : stored.GetValueOrDefault(parentName);
            await channels.LoadLocksAsync([.. existing?.Lock?.Packages ?? [], .. parentStored?.Lock?.Packages ?? []], cancellationToken);
            var reason = StaleReason(existing, inputs, parentSha, freed, options.UpdateAll && targets.Contains(layer.Name))
                ?? pin?.Reason
                ?? Tampered(layer, existing!, parentStored, channels)
                ?? (options.SolveAll ? "solved again to check it" : null);
            if (reason is null)
            {
                results.Add(new LayerUpToDate(layer.Name));
                continue;
            }
            if (parentName is not null && parentText is null)
            {
                failed.Add(layer.Name);
                results.Add(new LayerNotLocked(layer.Name, reason, null, $"its parent '{parentName}' has no lock; run 'beacon lock {parentName}' first"));
                continue;
            }
            progress?.Invoke($"solving {layer.Name} ({reason})");
            solves++;
            var parentLock = parentText is null ? null : Conda.Locks.ExplicitLock.Parse(parentText).Value;
            var result = await SolveLayerAsync(layer.Name, parentLock, existing?.Lock, freed, channels, cancellationToken);
            if (!result.Solved)
            {
                failed.Add(layer.Name);
                var blocking = parentName is not null && result.Conflict!.PinOrigins.Contains(ParentOrigin(parentName)) ? parentName : null;
                results.Add(new LayerNotLocked(layer.Name, reason, result.Conflict, BlockingParent: blocking,
                    BlockingParentIsRoot: blocking is not null && tree[blocking].Parent is null));
                continue;
            }
            var layerLock = LayerLock.Create(tree.PlatformOf(layer.Name), layer.Name, parentName, parentSha, inputs, result.Records!, pin?.Reference);
            var text = layerLock.Text();
            if (existing is not null && existing.Text == text)
            {
                results.Add(new LayerUpToDate(layer.Name));
                continue;
            }
            newTexts[layer.Name] = text;
            var parentDists = parentLock?.Packages.Select(p => p.DistString).ToHashSet(StringComparer.Ordinal) ?? [];
            var oldDists = existing?.Lock?.Packages.Select(p => p.DistString).ToHashSet(StringComparer.Ordinal) ?? [];
            results.Add(new LayerLocked(layer.Name, text,
                result.Records!.Select(r => r.DistString).Where(d => !parentDists.Contains(d)).ToList(),
                existing?.Lock is null ? [] : result.Records!.Select(r => r.DistString).Where(d => !oldDists.Contains(d)).ToList(),
                reason) { BaseImageMoved = pin?.Moved ?? false, File = layerLock.File, Previous = existing?.Lock?.File });
        }
        return new LockRun(results, solves);
    }

    /// <summary>
    /// Writes every new lock as one set: all temporary files first, then the renames, with a journal present while
    /// they run (so a killed run is recognised by the gate). Call only for a successful run.
    /// </summary>
    /// <param name="alongside">Files of the same change (an edited layer file), written in the same set.</param>
    public void Write(LockRun run, IReadOnlyList<KeyValuePair<string, byte[]>>? alongside = null)
    {
        if (!run.Success)
        {
            throw new InvalidOperationException("a failed lock run must not write anything");
        }
        var files = run.Results.OfType<LayerLocked>()
            .Select(r => new KeyValuePair<string, byte[]>(workspace.FullPath(LockStore.RelativePath(r.Layer)), AtomicFile.Utf8(r.Text)))
            .Concat(alongside ?? [])
            .ToList();
        if (files.Count > 0)
        {
            AtomicFile.WriteAll(files, workspace.FullPath(LockStore.JournalPath));
        }
        else
        {
            // Every lock was found current: whatever an interrupted run left is consistent again.
            File.Delete(workspace.FullPath(LockStore.JournalPath));
        }
        Dispose();
    }

    /// <summary>A root's base image pinned: the pin, why the lock changes for it (null: it does not), or why there is none.</summary>
    private sealed record BaseImagePin(string? Reference, string? Reason, bool Moved, string? Problem);

    /// <summary>
    /// The pin a root's lock records: the layer's own when it gives a digest; else the recorded one while it belongs to
    /// the layer's base-image (never moved by a plain lock); else — none yet, base-image changed, <c>--update-base</c>,
    /// or <c>--check</c> asking whether the tag moved — what the registry says the tag names now.
    /// </summary>
    private async Task<BaseImagePin> PinBaseImageAsync(Documents.LayerDocument layer, StoredLock? existing, LockOptions options, bool targeted,
        Action<string>? progress, CancellationToken cancellationToken)
    {
        var wanted = layer.BaseImage!.Value.Value;
        var recorded = existing?.Lock?.BaseImage;
        var current = recorded is not null && BaseImagePins.Matches(recorded, wanted) ? recorded : null;
        string pin;
        if (BaseImagePins.DigestOf(wanted) is not null)
        {
            pin = wanted;
        }
        else if (current is not null && !(targeted && options.UpdateBase) && !(options.SolveAll && BaseImages is not null))
        {
            pin = current;
        }
        else if (BaseImages is null)
        {
            return new BaseImagePin(null, null, false, $"its base image {wanted} is not pinned by digest yet, and this run cannot ask its registry (offline): " +
                $"run 'beacon lock {layer.Name}' with network access, or write base-image: {wanted}@sha256:<digest> in {layer.File}");
        }
        else
        {
            try
            {
                progress?.Invoke($"asking the registry for the digest of {wanted}");
                pin = BaseImagePins.Pin(wanted, await BaseImages(wanted, cancellationToken));
            }
            catch (BaseImageUnavailableException e) when (options.SolveAll && current is not null)
            {
                // --check cannot learn whether the tag moved; the recorded pin stands, and the run says so.
                progress?.Invoke($"could not ask the registry whether {wanted} moved ({e.Message}); the recorded {BaseImagePins.Short(BaseImagePins.DigestOf(current)!)} is kept");
                pin = current;
            }
            catch (BaseImageUnavailableException e)
            {
                return new BaseImagePin(null, null, false, $"the digest of its base image {wanted} could not be learnt: {e.Message}");
            }
        }
        if (pin == recorded)
        {
            return new BaseImagePin(pin, null, false, null);
        }
        var moved = current is not null;
        var reason = recorded is null ? $"its base image gets pinned: {pin}"
            : moved ? $"base image {wanted} moved: {BaseImagePins.Short(BaseImagePins.DigestOf(current!)!)} → {BaseImagePins.Short(BaseImagePins.DigestOf(pin)!)}"
            : $"its base image changed: {pin}";
        return new BaseImagePin(pin, reason, moved, null);
    }

    private static string? StaleReason(StoredLock? existing, string inputs, string? parentSha, IReadOnlySet<string> freed, bool updateAll)
    {
        if (existing is null)
        {
            return "no lock yet";
        }
        if (existing.Lock is null)
        {
            return "the lock file is not valid";
        }
        if (existing.Lock.Schema != LayerLock.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return "the lock was written by another lock schema";
        }
        if (existing.Lock.InputsSha256 != inputs)
        {
            return "its dependencies, channels or system changed";
        }
        if (parentSha is not null && existing.Lock.ParentLockSha256 != parentSha)
        {
            return "its parent's lock changed";
        }
        if (updateAll)
        {
            return "--update-all";
        }
        if (freed.Count > 0)
        {
            return $"--update {string.Join(" ", freed.Order(StringComparer.Ordinal))}";
        }
        return null;
    }

    /// <summary>The existing lock's records against the channels: a reason to solve again when they do not match.</summary>
    private string? Tampered(Documents.LayerDocument layer, StoredLock existing, StoredLock? parent, ChannelIndex channels)
    {
        var findings = Gate.LockVerifier.Verify(workspace.Tree, layer, existing, parent, channels);
        return findings.Count == 0 ? null : $"its lock does not match its channels: {findings[0].Message}";
    }

    private async Task<SolveResult> SolveLayerAsync(string layerName, Conda.Locks.ExplicitLock? parentLock, LayerLock? existing,
        IReadOnlySet<string> freed, ChannelIndex index, CancellationToken cancellationToken)
    {
        var tree = workspace.Tree;
        var layer = tree[layerName];
        var parentOrigin = layer.Parent is { } p ? ParentOrigin(p.Value) : null;
        var pins = parentLock?.Packages.Select(pkg => new HardPin(pkg.ToRecord(), parentOrigin!)).ToList() ?? [];
        var soft = existing?.Packages.Where(pkg => !freed.Contains(pkg.Name)).Select(pkg => pkg.ToRecord()).ToList() ?? [];
        // Only the layer's platform and noarch (the channels were opened for every root's platform), and only the
        // names the solve can reach from what it is asked for: a sharded channel is read no further.
        var roots = layer.Dependencies.Select(d => d.Spec.Name).Concat(pins.Select(pin => pin.Record.Name)).Concat(soft.Select(r => r.Name));
        var channels = await index.ReachAsync(tree.EffectiveChannels(layerName).ToList(), tree.PlatformOf(layerName), roots, cancellationToken);
        // The layer's system block describes the container's world; the build machine's environment must not change a lock.
        var virtuals = VirtualPackageSet.ForTarget(tree.PlatformOf(layerName), LayerInputs.EffectiveSystem(tree, layerName));
        return CondaSolver.Solve(new SolveRequest
        {
            Channels = channels,
            Requests = layer.Dependencies.Select(d => new Request(d.Spec, $"layer '{layerName}'")).ToList(),
            HardPins = pins,
            SoftLocks = soft,
            VirtualPackages = virtuals.ToRecords(),
        });
    }

    /// <summary>How a parent's pins are named in explanations (and recognised in them).</summary>
    private static string ParentOrigin(string parent) => $"layer '{parent}'";

}
