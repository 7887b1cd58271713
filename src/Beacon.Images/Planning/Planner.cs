using Beacon.Conda.Locks;
using Beacon.Images.Building;
using Beacon.Images.Naming;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Layers.Routing;

namespace Beacon.Images.Planning;

/// <summary>The plan cannot be made (a workload has no layer, a lock is missing): run <c>beacon check</c>.</summary>
public sealed class PlanException(string message) : Exception(message);

/// <summary>
/// Builds the <see cref="Plan"/> of a stack from the validated, checked workspace, the locks the gate read, and the
/// commit that last changed each lock (image labels). A pure function of its arguments: it reads no file and runs no
/// git, so every face that has a <see cref="StackSession"/> gets the same plan.
/// </summary>
public static class Planner
{
    /// <summary>Used as the registry host when a cloud creates the registry: the real address is known only after `pulumi up`.</summary>
    public const string CreatedRegistryPlaceholder = "registry.beacon.invalid";

    public static Plan Build(Workspace workspace, StackDocument stack, IReadOnlyDictionary<string, StoredLock> stored, IReadOnlyDictionary<string, string> commits)
    {
        var tree = workspace.Tree;
        var createRegistry = stack.Registry is null;
        var registry = (stack.Registry ?? CreatedRegistryPlaceholder).TrimEnd('/');

        // Deployed layers, plus the ancestors their images are built FROM.
        var deployed = tree.TopologicalOrder.Where(l => stack.Stages.Contains(l.Stage)).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in deployed.ToList())
        {
            foreach (var a in tree.Ancestors(name))
            {
                deployed.Add(a.Name);
            }
        }
        var images = new Dictionary<string, PlannedImage>(StringComparer.Ordinal);
        foreach (var layer in tree.TopologicalOrder.Where(l => deployed.Contains(l.Name)))
        {
            if (!stored.TryGetValue(layer.Name, out var s) || s.Lock is null)
            {
                throw new PlanException($"layer '{layer.Name}' has no valid lock; run 'beacon lock' and 'beacon check'");
            }
            BuildContext context;
            if (layer.Parent is { } p)
            {
                var parent = images[p.Value];
                context = BuildContext.ForChild(layer.Name, parent.Reference, s.Lock.File, stored[p.Value].Lock!.File, s.Text, LockCommits.For(commits, layer.Name));
            }
            else
            {
                context = BuildContext.ForRoot(layer.Name, layer.BaseImage!.Value.Value, s.Lock.File, s.Text, LockCommits.For(commits, layer.Name));
            }
            images[layer.Name] = new PlannedImage(layer.Name, layer.Parent?.Value, ImageReference.ForLayer(registry, layer.Name, context.Tag), context);
        }

        var profiles = workspace.HardwareFor(stack);
        var router = Router.FromStored(workspace, stored);
        var workloads = new List<PlannedWorkload>();
        foreach (var w in workspace.Workloads.Where(w => w.RunsIn(stack)))
        {
            var layer = router.Place(w, stack)
                ?? throw new PlanException($"no layer deployed by stack '{stack.Name}' fits workload '{w.Name}'; run 'beacon route {w.Name} --stack {stack.Name} --explain'");
            if (!images.TryGetValue(layer, out var image))
            {
                throw new PlanException($"workload '{w.Name}' pins layer '{layer}', which stack '{stack.Name}' does not deploy (stage {tree[layer].Stage.ToText()})");
            }
            var hardware = profiles[w.Hardware?.Value ?? HardwareProfile.DefaultName];
            workloads.Add(new PlannedWorkload(w.Name, w.Kind, layer, image.Reference, hardware, w.Command,
                w.Kind is WorkloadKind.Service or WorkloadKind.Kernel ? w.Replicas : 1, w.Schedule, w.Ports, w.Env,
                w.Group ?? stack.Namespace ?? "beacon"));
        }

        var pools = workloads.Select(w => w.Hardware).DistinctBy(h => h.Name).OrderBy(h => h.Name, StringComparer.Ordinal)
            .Select(h => stack.NodePools.TryGetValue(h.Name, out var size)
                ? new PlannedNodePool(h.Name, h, size.Min, size.Max)
                : new PlannedNodePool(h.Name, h, h.HasGpu ? 0 : 1, h.HasGpu ? 2 : 3))
            .ToList();
        return new Plan(stack, registry, createRegistry, images.Values.ToList(), pools, workloads);
    }
}
