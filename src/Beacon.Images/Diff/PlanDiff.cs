using System.Globalization;
using Beacon.Images.Planning;

namespace Beacon.Images.Diff;

public enum ImageChangeKind
{
    Added,
    Removed,
    Rebuilt,
    Reused,
}

/// <summary>One layer's image in one stack: its content-addressed tag before and after.</summary>
public sealed record ImageChange(string Layer, ImageChangeKind Kind, string? Before, string? After);

public enum WorkloadChangeKind
{
    Added,
    Removed,
    Moved,
    /// <summary>Same layer, other settings: hardware, replicas, schedule, ports, command or environment.</summary>
    Changed,
}

/// <summary>A workload whose layer changes (null: not placed, or not in the stack), or whose settings change (Changed: before/after describe them).</summary>
public sealed record WorkloadChange(string Workload, WorkloadChangeKind Kind, string? Before, string? After);

public enum NodePoolChangeKind
{
    Added,
    Removed,
    Resized,
}

/// <summary>A node pool added, removed, or resized (its size or its profile changed).</summary>
public sealed record NodePoolChange(string Pool, NodePoolChangeKind Kind, string? Before, string? After);

public enum StackChangeKind
{
    Added,
    Removed,
    Changed,
    Unchanged,
}

/// <summary>
/// What a change does to one stack: its images, its workloads' placements, its node pools — and what reaches the
/// deployment without passing through the plan: the stack file's keys (<c>aws:region</c>) and the deployment program.
/// </summary>
public sealed record StackDiff(string Stack, string Cloud, StackChangeKind Kind, IReadOnlyList<ImageChange> Images,
    IReadOnlyList<WorkloadChange> Workloads, IReadOnlyList<NodePoolChange> NodePools, IReadOnlyList<string> Problems)
{
    /// <summary>The stack file's keys that differ (names only: values may be secrets).</summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    /// <summary>The deployment program differs although the plan does not (a setting only the program carries).</summary>
    public bool ProgramChanged { get; init; }

    /// <summary>A deployment of the change touches this stack: it is new, it changes, or it cannot be planned (its preview shows why).</summary>
    public bool Affected => Kind is StackChangeKind.Added or StackChangeKind.Changed || (Kind != StackChangeKind.Removed && Problems.Count > 0);

    public IReadOnlyList<string> Layers(ImageChangeKind kind) => Images.Where(i => i.Kind == kind).Select(i => i.Layer).ToList();
}

/// <summary>
/// Compares two Plans of one stack. Image identity is the plan's content-addressed tag, so "rebuilt" here is exactly
/// what <c>beacon build</c> and the Pulumi program will rebuild; placements are the plan's, so a workload "moves" here
/// exactly when a deployment moves it.
/// </summary>
public static class PlanDiff
{
    public static StackDiff Compare(string stack, string cloud, Plan? before, Plan? after, IReadOnlySet<string> workloadsBefore)
    {
        var images = new List<ImageChange>();
        var beforeImages = before?.Images.ToDictionary(i => i.Layer, i => i.Tag, StringComparer.Ordinal) ?? [];
        foreach (var image in after?.Images ?? [])
        {
            images.Add(beforeImages.TryGetValue(image.Layer, out var tag)
                ? new ImageChange(image.Layer, tag == image.Tag ? ImageChangeKind.Reused : ImageChangeKind.Rebuilt, tag, image.Tag)
                : new ImageChange(image.Layer, ImageChangeKind.Added, null, image.Tag));
        }
        var afterLayers = after?.Images.Select(i => i.Layer).ToHashSet(StringComparer.Ordinal) ?? [];
        images.AddRange((before?.Images ?? []).Where(i => !afterLayers.Contains(i.Layer)).Select(i => new ImageChange(i.Layer, ImageChangeKind.Removed, i.Tag, null)));

        var workloads = new List<WorkloadChange>();
        // Developer workspaces are compared like workloads ("workspace alice": its layer).
        var placedBefore = Placements(before);
        var placedAfter = Placements(after);
        workloadsBefore = workloadsBefore.Union((before?.Workspaces ?? []).Select(w => WorkspaceKey(w.Name))).ToHashSet(StringComparer.Ordinal);
        foreach (var name in placedBefore.Keys.Union(placedAfter.Keys).Order(StringComparer.Ordinal))
        {
            var was = placedBefore.GetValueOrDefault(name);
            var now = placedAfter.GetValueOrDefault(name);
            if (was == now)
            {
                continue;
            }
            var kind = now is not null && !workloadsBefore.Contains(name) ? WorkloadChangeKind.Added
                : now is null && !(after?.Problems.Any(p => p.Subject == $"workload {name}") ?? false) ? WorkloadChangeKind.Removed
                : WorkloadChangeKind.Moved;
            workloads.Add(new WorkloadChange(name, kind, was, now));
        }

        // Same layer, other settings: what a deployment changes without moving the workload.
        var settingsBefore = before?.Workloads.ToDictionary(w => w.Name, StringComparer.Ordinal) ?? [];
        foreach (var now in after?.Workloads ?? [])
        {
            if (settingsBefore.TryGetValue(now.Name, out var was) && was.Layer == now.Layer && Settings(was, now) is { } change)
            {
                workloads.Add(new WorkloadChange(now.Name, WorkloadChangeKind.Changed, change.Before, change.After));
            }
        }
        var workspacesBefore = before?.Workspaces.ToDictionary(w => w.Name, StringComparer.Ordinal) ?? [];
        foreach (var now in after?.Workspaces ?? [])
        {
            if (workspacesBefore.TryGetValue(now.Name, out var was) && was.Layer == now.Layer && Settings(was, now) is { } change)
            {
                workloads.Add(new WorkloadChange(WorkspaceKey(now.Name), WorkloadChangeKind.Changed, change.Before, change.After));
            }
        }
        workloads.Sort((a, b) => string.CompareOrdinal(a.Workload, b.Workload));

        var pools = new List<NodePoolChange>();
        var poolsBefore = before?.NodePools.ToDictionary(p => p.Name, Describe, StringComparer.Ordinal) ?? [];
        var poolsAfter = after?.NodePools.ToDictionary(p => p.Name, Describe, StringComparer.Ordinal) ?? [];
        foreach (var name in poolsBefore.Keys.Union(poolsAfter.Keys).Order(StringComparer.Ordinal))
        {
            var was = poolsBefore.GetValueOrDefault(name);
            var now = poolsAfter.GetValueOrDefault(name);
            if (was != now)
            {
                pools.Add(new NodePoolChange(name, was is null ? NodePoolChangeKind.Added : now is null ? NodePoolChangeKind.Removed : NodePoolChangeKind.Resized, was, now));
            }
        }

        var kindOfStack = before is null ? StackChangeKind.Added
            : after is null ? StackChangeKind.Removed
            : images.Any(i => i.Kind != ImageChangeKind.Reused) || workloads.Count > 0 || pools.Count > 0 ? StackChangeKind.Changed
            : StackChangeKind.Unchanged;
        return new StackDiff(stack, cloud, kindOfStack, images, workloads, pools, after?.Problems.Select(p => p.Message).ToList() ?? []);
    }

    /// <summary>
    /// The settings that differ, as two short texts of safe tokens (profile and group names, numbers, cron fields):
    /// a command or environment that changed is named, never quoted, so nothing from a file reaches the comment raw.
    /// </summary>
    private static (string Before, string After)? Settings(PlannedWorkload was, PlannedWorkload now)
    {
        var before = new List<string>();
        var after = new List<string>();
        void Compare(string name, string a, string b)
        {
            if (a != b)
            {
                before.Add($"{name} {a}");
                after.Add($"{name} {b}");
            }
        }
        Compare("hardware", was.Hardware.Name, now.Hardware.Name);
        Compare("replicas", was.Replicas.ToString(CultureInfo.InvariantCulture), now.Replicas.ToString(CultureInfo.InvariantCulture));
        Compare("schedule", was.Schedule ?? "none", now.Schedule ?? "none");
        Compare("ports", string.Join(",", was.Ports), string.Join(",", now.Ports));
        Compare("group", was.Group, now.Group);
        if (!was.Command.SequenceEqual(now.Command))
        {
            after.Add("command changed");
        }
        if (!was.Env.OrderBy(kv => kv.Key, StringComparer.Ordinal).SequenceEqual(now.Env.OrderBy(kv => kv.Key, StringComparer.Ordinal)))
        {
            after.Add("env changed");
        }
        return after.Count == 0 ? null : (before.Count == 0 ? "as before" : string.Join(", ", before), string.Join(", ", after));
    }

    /// <summary>A developer workspace's settings that differ (profile names and a quantity: safe tokens).</summary>
    private static (string Before, string After)? Settings(PlannedWorkspace was, PlannedWorkspace now)
    {
        var changes = new[]
        {
            ("hardware", was.Hardware.Name, now.Hardware.Name),
            ("exploratory", string.Join(",", was.Exploratory.Select(p => p.Name)), string.Join(",", now.Exploratory.Select(p => p.Name))),
            ("storage", was.Storage, now.Storage),
            ("port", was.Port.ToString(CultureInfo.InvariantCulture), now.Port.ToString(CultureInfo.InvariantCulture)),
        }.Where(c => c.Item2 != c.Item3).ToList();
        return changes.Count == 0 ? null
            : (string.Join(", ", changes.Select(c => $"{c.Item1} {(c.Item2.Length == 0 ? "none" : c.Item2)}")),
               string.Join(", ", changes.Select(c => $"{c.Item1} {(c.Item3.Length == 0 ? "none" : c.Item3)}")));
    }

    private static Dictionary<string, string> Placements(Plan? plan) =>
        (plan?.Workloads.Select(w => (w.Name, w.Layer)) ?? []).Concat((plan?.Workspaces ?? []).Select(w => (WorkspaceKey(w.Name), w.Layer)))
            .ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);

    private static string WorkspaceKey(string developer) => $"workspace {developer}";

    private static string Describe(PlannedNodePool pool) => string.Create(CultureInfo.InvariantCulture,
        $"{pool.Min}..{pool.Max} nodes of {pool.Profile.Cpus:0.###} CPUs, {pool.Profile.Memory}{(pool.Profile.Gpu is { } g ? $", {g.Count}× {g.Kind}" : "")}");
}
