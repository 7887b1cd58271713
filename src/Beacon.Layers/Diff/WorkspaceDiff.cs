using System.Text;
using System.Text.Json.Serialization;
using Beacon.Conda.Locks;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Layers.Rendering;
using Beacon.Layers.Routing;

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

/// <summary>One layer's change: what kind, and its own packages (those not inherited from its parent) that moved.</summary>
public sealed record LayerDiff(string Layer, LayerChangeKind Kind, string? ForkedFrom, IReadOnlyList<PackageChange> Packages);

public sealed record RoutingChange(string Workload, string Stack, string? From, string? To);

/// <summary>
/// What a pull request changes, for a comment on it: layers added, forked, removed and changed with their package
/// moves, which images are rebuilt (changed layers and their descendants, as content-addressed tags follow the parent)
/// and which are reused, and which workloads move to another layer in which stack.
/// </summary>
public sealed record WorkspaceDiff(
    string BaseRef,
    IReadOnlyList<LayerDiff> Layers,
    IReadOnlyList<string> Rebuilt,
    IReadOnlyList<string> Reused,
    IReadOnlyList<RoutingChange> Routing)
{
    public static WorkspaceDiff Compute(string baseRef, Workspace? baseWorkspace, Workspace head)
    {
        var baseLocks = baseWorkspace is null ? new Dictionary<string, StoredLock>() : LockStore.ReadAll(baseWorkspace);
        var headLocks = LockStore.ReadAll(head);
        var headLayers = head.Tree.TopologicalOrder.Select(l => l.Name).ToList();
        var baseLayers = baseWorkspace?.Tree.TopologicalOrder.Select(l => l.Name).ToList() ?? [];

        var layers = new List<LayerDiff>();
        var lockChanged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in headLayers)
        {
            var layer = head.Tree[name];
            var before = baseLocks.GetValueOrDefault(name);
            var after = headLocks.GetValueOrDefault(name);
            if (before?.Text != after?.Text)
            {
                lockChanged.Add(name);
            }
            var parent = layer.Parent?.Value;
            var ownAfter = Own(after?.Lock?.File, parent is null ? null : headLocks.GetValueOrDefault(parent)?.Lock?.File);
            if (!baseLayers.Contains(name))
            {
                var kind = layer.ForkedFrom is not null ? LayerChangeKind.Forked : LayerChangeKind.Added;
                layers.Add(new LayerDiff(name, kind, layer.ForkedFrom, Compare([], ownAfter)));
                continue;
            }
            var baseParent = baseWorkspace!.Tree[name].Parent?.Value;
            var ownBefore = Own(before?.Lock?.File, baseParent is null ? null : baseLocks.GetValueOrDefault(baseParent)?.Lock?.File);
            var changes = Compare(ownBefore, ownAfter);
            var inputsChanged = LayerInputs.CanonicalText(baseWorkspace.Tree, name) != LayerInputs.CanonicalText(head.Tree, name);
            layers.Add(new LayerDiff(name, changes.Count > 0 || inputsChanged ? LayerChangeKind.Changed : LayerChangeKind.Unchanged, null, changes));
        }
        foreach (var name in baseLayers.Where(n => !headLayers.Contains(n)).Order(StringComparer.Ordinal))
        {
            var before = baseLocks.GetValueOrDefault(name);
            var baseParent = baseWorkspace!.Tree[name].Parent?.Value;
            layers.Add(new LayerDiff(name, LayerChangeKind.Removed, null,
                Compare(Own(before?.Lock?.File, baseParent is null ? null : baseLocks.GetValueOrDefault(baseParent)?.Lock?.File), [])));
        }

        var rebuilt = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in lockChanged)
        {
            rebuilt.Add(name);
            foreach (var d in head.Tree.Descendants(name))
            {
                rebuilt.Add(d.Name);
            }
        }
        return new WorkspaceDiff(
            baseRef,
            layers,
            headLayers.Where(rebuilt.Contains).ToList(),
            headLayers.Where(n => !rebuilt.Contains(n)).ToList(),
            RoutingChanges(baseWorkspace, head));
    }

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

    private static List<RoutingChange> RoutingChanges(Workspace? baseWorkspace, Workspace head)
    {
        var result = new List<RoutingChange>();
        var headRouter = Router.FromDisk(head);
        var baseRouter = baseWorkspace is null ? null : Router.FromDisk(baseWorkspace);
        foreach (var workload in head.Workloads)
        {
            foreach (var stack in head.Stacks.Where(workload.RunsIn))
            {
                var after = workload.Layer?.Value ?? headRouter.Route(workload, stack).Layer;
                string? before = null;
                var baseWorkload = baseWorkspace?.Workloads.FirstOrDefault(w => w.Name == workload.Name);
                var baseStack = baseWorkspace?.Stack(stack.Name);
                if (baseWorkload is not null && baseRouter is not null)
                {
                    before = baseWorkload.Layer?.Value ?? baseRouter.Route(baseWorkload, baseStack).Layer;
                }
                if (before != after)
                {
                    result.Add(new RoutingChange(workload.Name, stack.Name, before, after));
                }
            }
        }
        return result;
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("## Beacon: changes against `").Append(BaseRef).Append("`\n\n");
        var changed = Layers.Where(l => l.Kind != LayerChangeKind.Unchanged).ToList();
        if (changed.Count == 0)
        {
            sb.Append("No layer changes.\n\n");
        }
        else
        {
            sb.Append("| layer | change | packages |\n|---|---|---|\n");
            foreach (var l in changed)
            {
                var kind = l.Kind switch
                {
                    LayerChangeKind.Forked => $"forked from `{l.ForkedFrom}`",
                    _ => l.Kind.ToString().ToLowerInvariant(),
                };
                sb.Append("| `").Append(l.Layer).Append("` | ").Append(kind).Append(" | ").Append(Counts(l.Packages)).Append(" |\n");
            }
            sb.Append('\n');
            foreach (var l in changed.Where(l => l.Packages.Count > 0))
            {
                sb.Append("### `").Append(l.Layer).Append("`\n\n| package | change | before | after |\n|---|---|---|---|\n");
                foreach (var p in l.Packages)
                {
                    sb.Append("| ").Append(p.Name).Append(" | ").Append(p.Kind.ToString().ToLowerInvariant()).Append(" | ")
                        .Append(p.From ?? "").Append(" | ").Append(p.To ?? "").Append(" |\n");
                }
                sb.Append('\n');
            }
        }
        sb.Append("### Images\n\n");
        sb.Append("- rebuilt: ").Append(Rebuilt.Count == 0 ? "none" : string.Join(", ", Rebuilt.Select(r => $"`{r}`"))).Append('\n');
        sb.Append("- reused unchanged: ").Append(Reused.Count == 0 ? "none" : string.Join(", ", Reused.Select(r => $"`{r}`"))).Append("\n\n");
        sb.Append("### Workload routing\n\n");
        if (Routing.Count == 0)
        {
            sb.Append("No workload moves to another layer.\n");
        }
        else
        {
            sb.Append("| workload | stack | before | after |\n|---|---|---|---|\n");
            foreach (var r in Routing)
            {
                sb.Append("| ").Append(r.Workload).Append(" | ").Append(r.Stack).Append(" | ")
                    .Append(r.From is null ? "—" : $"`{r.From}`").Append(" | ").Append(r.To is null ? "**none**" : $"`{r.To}`").Append(" |\n");
            }
        }
        return sb.ToString();
    }

    private static string Counts(IReadOnlyList<PackageChange> changes)
    {
        if (changes.Count == 0)
        {
            return "—";
        }
        var parts = new List<string>();
        foreach (var kind in Enum.GetValues<PackageChangeKind>())
        {
            var n = changes.Count(c => c.Kind == kind);
            if (n > 0)
            {
                parts.Add($"{n} {kind.ToString().ToLowerInvariant()}");
            }
        }
        return string.Join(", ", parts);
    }

    public string ToJson() => JsonOptions.Write(new DiffJson(
        BaseRef,
        Layers.Select(l => new DiffLayerJson(l.Layer, l.Kind.ToString().ToLowerInvariant(), l.ForkedFrom,
            l.Packages.Select(p => new DiffPackageJson(p.Name, p.Kind.ToString().ToLowerInvariant(), p.From, p.To)).ToList())).ToList(),
        Rebuilt,
        Reused,
        Routing.Select(r => new DiffRoutingJson(r.Workload, r.Stack, r.From, r.To)).ToList()), DiffJsonContext.Styled.DiffJson);
}

/// <summary>The pull-request summary as <c>beacon diff --json</c> prints it.</summary>
public sealed record DiffJson(string Base, IReadOnlyList<DiffLayerJson> Layers, IReadOnlyList<string> Rebuilt, IReadOnlyList<string> Reused, IReadOnlyList<DiffRoutingJson> Routing);

public sealed record DiffLayerJson(string Layer, string Change, string? ForkedFrom, IReadOnlyList<DiffPackageJson> Packages);

public sealed record DiffPackageJson(string Name, string Change, string? Before, string? After);

public sealed record DiffRoutingJson(string Workload, string Stack, string? Before, string? After);

[JsonSerializable(typeof(DiffJson))]
internal sealed partial class DiffJsonContext : JsonSerializerContext
{
    public static DiffJsonContext Styled { get; } = new(JsonOptions.Create());
}
