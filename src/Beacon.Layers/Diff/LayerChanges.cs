using Beacon.Conda.Locks;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;

namespace Beacon.Layers.Diff;

public enum PackageChangeKind
{
    Added,
    Removed,
    Upgraded,
    Downgraded,
    Rebuilt,
}

public sealed record PackageChange(string Name, PackageChangeKind Kind, string? From, string? To);

public enum LayerChangeKind
{
    Added,
    Forked,
    Removed,
    Changed,
    Unchanged,
}

/// <summary>
/// One layer's change: what kind, its own packages (those not inherited from its parent) that moved, and the pip
/// requirements it added or dropped (recorded, not solved).
/// </summary>
public sealed record LayerDiff(string Layer, LayerChangeKind Kind, string? ForkedFrom, IReadOnlyList<PackageChange> Packages,
    IReadOnlyList<string> PipAdded, IReadOnlyList<string> PipRemoved)
{
    /// <summary>A root's base image as its lock pins it, before and after, when the pin moved (a tag moved, or base-image changed).</summary>
    public (string? Before, string? After)? BaseImage { get; init; }
}

/// <summary>
/// What a change does to the layers, from their files and locks: layers added, forked, removed and changed, with
/// their package moves. What it does to images and workloads is the Plans' business (Beacon.Images' ChangeSummary).
/// </summary>
public static class LayerChanges
{
    public static IReadOnlyList<LayerDiff> Compute(Workspace? baseWorkspace, IReadOnlyDictionary<string, StoredLock> baseLocks,
        Workspace head, IReadOnlyDictionary<string, StoredLock> headLocks)
    {
        var headLayers = head.Tree.TopologicalOrder.Select(l => l.Name).ToList();
        var baseLayers = baseWorkspace?.Tree.TopologicalOrder.Select(l => l.Name).ToList() ?? [];

        var layers = new List<LayerDiff>();
        foreach (var name in headLayers)
        {
            var layer = head.Tree[name];
            var after = headLocks.GetValueOrDefault(name);
            var parent = layer.Parent?.Value;
            var ownAfter = Own(after?.Lock?.File, parent is null ? null : headLocks.GetValueOrDefault(parent)?.Lock?.File);
            if (!baseLayers.Contains(name))
            {
                var kind = layer.ForkedFrom is not null ? LayerChangeKind.Forked : LayerChangeKind.Added;
                layers.Add(new LayerDiff(name, kind, layer.ForkedFrom, Compare([], ownAfter), layer.Pip, []));
                continue;
            }
            var before = baseLocks.GetValueOrDefault(name);
            var baseLayer = baseWorkspace!.Tree[name];
            var baseParent = baseLayer.Parent?.Value;
            var ownBefore = Own(before?.Lock?.File, baseParent is null ? null : baseLocks.GetValueOrDefault(baseParent)?.Lock?.File);
            var changes = Compare(ownBefore, ownAfter);
            var pipAdded = layer.Pip.Except(baseLayer.Pip, StringComparer.Ordinal).ToList();
            var pipRemoved = baseLayer.Pip.Except(layer.Pip, StringComparer.Ordinal).ToList();
            var inputsChanged = LayerInputs.CanonicalText(baseWorkspace.Tree, name) != LayerInputs.CanonicalText(head.Tree, name);
            var pinBefore = before?.Lock?.BaseImage;
            var pinAfter = after?.Lock?.BaseImage;
            var changed = changes.Count > 0 || inputsChanged || pipAdded.Count > 0 || pipRemoved.Count > 0
                || layer.BaseImage?.Value != baseLayer.BaseImage?.Value || pinBefore != pinAfter;
            layers.Add(new LayerDiff(name, changed ? LayerChangeKind.Changed : LayerChangeKind.Unchanged, null, changes, pipAdded, pipRemoved)
            {
                BaseImage = pinBefore != pinAfter ? (pinBefore, pinAfter) : null,
            });
        }
        foreach (var name in baseLayers.Where(n => !headLayers.Contains(n)).Order(StringComparer.Ordinal))
        {
            var before = baseLocks.GetValueOrDefault(name);
            var baseLayer = baseWorkspace!.Tree[name];
            var baseParent = baseLayer.Parent?.Value;
            layers.Add(new LayerDiff(name, LayerChangeKind.Removed, null,
                Compare(Own(before?.Lock?.File, baseParent is null ? null : baseLocks.GetValueOrDefault(baseParent)?.Lock?.File), []), [], baseLayer.Pip));
        }
        return layers;
    }

    /// <summary>Every package move between two locks of one layer (inherited packages too); null is an empty lock.</summary>
    public static IReadOnlyList<PackageChange> Between(ExplicitLock? before, ExplicitLock? after) =>
        Compare(Own(before, null), Own(after, null));

    /// <summary>The packages a layer adds over its parent, by name.</summary>
    private static Dictionary<string, LockedPackage> Own(ExplicitLock? layerLock, ExplicitLock? parentLock)
    {
        var inherited = parentLock?.Packages.Select(p => p.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        return layerLock?.Packages.Where(p => !inherited.Contains(p.Name)).ToDictionary(p => p.Name, StringComparer.Ordinal) ?? [];
    }

    private static List<PackageChange> Compare(Dictionary<string, LockedPackage> before, Dictionary<string, LockedPackage> after)
    {
        var changes = new List<PackageChange>();
        foreach (var name in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var b = before.GetValueOrDefault(name);
            var a = after.GetValueOrDefault(name);
            if (b is null)
            {
                changes.Add(new PackageChange(name, PackageChangeKind.Added, null, Label(a!)));
            }
            else if (a is null)
            {
                changes.Add(new PackageChange(name, PackageChangeKind.Removed, Label(b), null));
            }
            else if (a.Version != b.Version)
            {
                changes.Add(new PackageChange(name, a.Version > b.Version ? PackageChangeKind.Upgraded : PackageChangeKind.Downgraded, Label(b), Label(a)));
            }
            else if (a.Build != b.Build || a.Sha256 != b.Sha256)
            {
                changes.Add(new PackageChange(name, PackageChangeKind.Rebuilt, Label(b), Label(a)));
            }
        }
        return changes;
    }

    private static string Label(LockedPackage p) => $"{p.Version.Text} {p.Build}";
}
