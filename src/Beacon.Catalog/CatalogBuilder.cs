using Beacon.Conda.Locks;
using Beacon.Conda.Records;
using Beacon.Docker.Kernels;
using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;

namespace Beacon.Catalog;

/// <summary>
/// Builds the catalog from what the gate verified (its locks) and what the planner placed (one plan per stack), so
/// the page can never show a layer, a package or a placement that <c>check</c>, <c>route</c> and <c>plan</c> would
/// not. Package sizes and licences come from the channel records the locks name, when the caller can read them.
/// </summary>
public static class CatalogBuilder
{
    /// <summary>
    /// The gate over every lock (the catalog shows only what it verified), then one plan per stack; null data when
    /// the gate failed (its diagnostics say why).
    /// </summary>
    /// <param name="commits">The commit that last changed each lock (image tags); <see cref="LockCommits.Read"/> (git) by default.</param>
    public static async Task<(CatalogData? Data, GateResult Gate)> CreateAsync(Workspace workspace, ChannelIndex channels,
        Func<Workspace, IReadOnlyDictionary<string, string>>? commits = null, CancellationToken cancellationToken = default)
    {
        var gate = await LockGate.RunAsync(workspace, channels, cancellationToken: cancellationToken);
        if (!gate.Passed)
        {
            return (null, gate);
        }
        var lockCommits = (commits ?? LockCommits.Read)(workspace);
        var plans = workspace.Stacks.Select(s => Planner.Build(workspace, s, gate.Locks, lockCommits)).ToList();
        // The gate loaded every locked package's records: each lock line finds the record it was checked against.
        return (Build(gate, plans, p => channels.Find(p.Url, p.Name)), gate);
    }

    /// <param name="record">The channel's record for a lock line (sizes, licences), or null when it is not known.</param>
    public static CatalogData Build(GateResult gate, IReadOnlyList<Plan> plans, Func<LockedPackage, PackageRecord?> record)
    {
        var workspace = gate.Workspace;
        var tree = workspace.Tree;
        var images = plans
            .SelectMany(p => p.Images.Select(i => (Layer: i.Layer, Image: new CatalogImage(p.Stack.Name, i.Reference.ToString()))))
            .ToLookup(x => x.Layer, x => x.Image, StringComparer.Ordinal);
        var layers = new List<CatalogLayer>();
        var totals = new Dictionary<string, long?>(StringComparer.Ordinal);
        foreach (var layer in tree.TopologicalOrder)
        {
            var locked = gate.Locks.TryGetValue(layer.Name, out var stored) ? stored.Lock : null;
            var parentLock = layer.Parent is { } p && gate.Locks.TryGetValue(p.Value, out var ps) ? ps.Lock : null;
            var inherited = parentLock?.Packages.Select(x => x.Url).ToHashSet(StringComparer.Ordinal) ?? [];
            var packages = (locked?.Packages ?? [])
                .Where(x => !inherited.Contains(x.Url))
                .Select(x => (Package: x, Record: record(x)))
                .Select(x => new CatalogPackage(x.Package.Name, x.Package.Version.Text, x.Package.Build, x.Package.Channel, x.Package.Subdir,
                    x.Record?.Size, x.Record?.License))
                .OrderBy(x => x.Name, StringComparer.Ordinal).ThenBy(x => x.Subdir, StringComparer.Ordinal).ThenBy(x => x.Build, StringComparer.Ordinal)
                .ToList();
            var ownSize = Sum(packages);
            var totalSize = ownSize is { } own && layer.Parent is { } up && totals.GetValueOrDefault(up.Value) is { } above ? own + above
                : layer.Parent is null ? ownSize : null;
            totals[layer.Name] = totalSize;
            var lacks = KernelLayers.Lacks(gate.Locks, layer.Name);
            layers.Add(new CatalogLayer(
                layer.Name,
                layer.Parent?.Value,
                tree.RootOf(layer.Name).Name,
                tree.PlatformOf(layer.Name),
                tree.Depth(layer.Name),
                layer.Stage.ToText(),
                layer.Hardware?.Value,
                layer.Owners,
                layer.Description,
                layer.File,
                locked is not null,
                packages,
                locked?.Packages.Count ?? 0,
                ownSize,
                totalSize,
                lacks is null ? new CatalogKernel(KernelSpec.NameOf(workspace.Organisation, layer.Name), KernelSpec.DisplayNameOf(workspace.Organisation, layer.Name)) : null,
                lacks,
                new CatalogDevContainer(Images.Rendering.DevContainer.RelativePath(layer.Name),
                    plans.FirstOrDefault(p => !p.CreateRegistry && p.Images.Any(i => i.Layer == layer.Name)) is { } pinned
                        ? $"beacon devcontainer {layer.Name} --stack {pinned.Stack.Name}" : null),
                [.. images[layer.Name]]));
        }
        var requires = workspace.Workloads.ToDictionary(w => w.Name, w => w.RoutingRequires.Select(r => r.ToString()).ToList(), StringComparer.Ordinal);
        var pinnedWorkloads = workspace.Workloads.Where(w => w.Layer is not null).Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        var stacks = plans.Select(plan => new CatalogStack(
            plan.Stack.Name,
            plan.Stack.Cloud.ToText(),
            [.. plan.Stack.Stages.Select(s => s.ToText())],
            plan.Stack.Platforms,
            Hardware(workspace.HardwareFor(plan.Stack)),
            [.. plan.Workloads.Select(w => new CatalogWorkload(w.Name, w.Kind.ToText(), w.Layer, w.Hardware.Name, w.Pool, w.Replicas,
                requires.GetValueOrDefault(w.Name) ?? [], pinnedWorkloads.Contains(w.Name)))],
            [.. plan.Problems.Select(x => $"{x.Subject}: {x.Message}")])).ToList();
        return new CatalogData(
            CatalogData.CurrentSchema,
            workspace.Organisation,
            tree.DefaultPlatform,
            tree.Platforms,
            HardwareProfile.DefaultName,
            Stages.Names,
            Hardware(workspace.HardwareFor(null)),
            layers,
            stacks);
    }

    private static List<CatalogHardware> Hardware(IReadOnlyDictionary<string, HardwareProfile> profiles) =>
        [.. profiles.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new CatalogHardware(p.Key, p.Value.HasGpu))];

    /// <summary>The bytes to download, or null when a record's size is not known (a partial sum would understate it).</summary>
    private static long? Sum(IEnumerable<CatalogPackage> packages)
    {
        long total = 0;
        foreach (var p in packages)
        {
            if (p.Size is not { } size)
            {
                return null;
            }
            total += size;
        }
        return total;
    }
}
