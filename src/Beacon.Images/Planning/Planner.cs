using Beacon.Conda.Locks;
using Beacon.Images.Building;
using Beacon.Images.Naming;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Layers.Routing;

namespace Beacon.Images.Planning;

/// <summary>
/// Builds the <see cref="Plan"/> of a stack from the validated workspace, its locks, and the commit that last changed
/// each lock (image labels). A pure function of its arguments: it reads no file and runs no git, so every face gets
/// the same plan. What cannot be planned (a layer without a valid lock — and the layers built FROM it —, a workload
/// no deployed layer fits) is left out and listed in <see cref="Plan.Problems"/>: a deployment refuses such a plan
/// (<see cref="StackSessions"/>), a pull-request summary still compares the rest.
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
        var deployed = tree.TopologicalOrder
            .Where(l => stack.Stages.Contains(l.Stage) && (stack.Platforms is null || stack.Platforms.Contains(tree.PlatformOf(l.Name))))
            .Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in deployed.ToList())
        {
            foreach (var a in tree.Ancestors(name))
            {
                deployed.Add(a.Name);
            }
        }
        var images = new Dictionary<string, PlannedImage>(StringComparer.Ordinal);
        var problems = new List<PlanProblem>();
        foreach (var layer in tree.TopologicalOrder.Where(l => deployed.Contains(l.Name)))
        {
            if (!stored.TryGetValue(layer.Name, out var s) || s.Lock is null)
            {
                problems.Add(new PlanProblem($"layer {layer.Name}", $"layer '{layer.Name}' has no valid lock; run 'beacon lock' and 'beacon check'"));
                continue;
            }
            if (layer.Parent is { } missing && !images.ContainsKey(missing.Value))
            {
                problems.Add(new PlanProblem($"layer {layer.Name}", $"layer '{layer.Name}' builds FROM '{missing.Value}', which has no image in this plan"));
                continue;
            }
            // A root is built FROM the base image its lock pins by digest (the gate requires the pin); the tag alone
            // only for a lock from before pins (a plan the gate would refuse).
            var baseImage = layer.Parent is null ? s.Lock.BaseImage ?? layer.BaseImage!.Value.Value : null;
            ImageRecipe recipe;
            if (stack.Builder == ImageBuilderKind.Oci)
            {
                if (layer.Pip.Count > 0)
                {
                    problems.Add(new PlanProblem($"layer {layer.Name}", $"layer '{layer.Name}' lists pip packages, which the oci builder does not install; use beacon:builder docker for stack '{stack.Name}'"));
                    continue;
                }
                recipe = new OciRecipe(layer.Parent is { } op ? images[op.Value].Reference.Tag : baseImage!, tree.PrefixOf(layer.Name), s.Text);
            }
            else if (layer.Prefix is { } prefix)
            {
                problems.Add(new PlanProblem($"layer {layer.Name}", $"layer '{layer.Name}' sets prefix '{prefix.Value}', but the docker builder installs into the base image's micromamba environment; use beacon:builder oci for stack '{stack.Name}'"));
                continue;
            }
            else
            {
                recipe = new DockerfileRecipe(layer.Parent is { } p
                    ? BuildContext.ForChild(layer.Name, images[p.Value].Reference, s.Lock.File, stored[p.Value].Lock!.File, s.Text, LockCommits.For(commits, layer.Name), layer.Pip)
                    : BuildContext.ForRoot(layer.Name, baseImage!, s.Lock.File, s.Text, LockCommits.For(commits, layer.Name), layer.Pip));
            }
            images[layer.Name] = new PlannedImage(layer.Name, layer.Parent?.Value, ImageReference.ForLayer(registry, layer.Name, recipe.Tag), recipe)
            {
                Platform = tree.PlatformOf(layer.Name),
                Prefix = tree.PrefixOf(layer.Name),
            };
        }

        var profiles = workspace.HardwareFor(stack);
        var router = Router.FromStored(workspace, stored);
        var workloads = new List<PlannedWorkload>();
        foreach (var w in workspace.Workloads.Where(w => w.RunsIn(stack)))
        {
            var layer = router.Place(w, stack);
            if (layer is null)
            {
                problems.Add(new PlanProblem($"workload {w.Name}", $"no layer deployed by stack '{stack.Name}' fits workload '{w.Name}'; run 'beacon route {w.Name} --stack {stack.Name} --explain'"));
                continue;
            }
            if (!images.TryGetValue(layer, out var image))
            {
                problems.Add(new PlanProblem($"workload {w.Name}", deployed.Contains(layer)
                    ? $"workload '{w.Name}' runs in layer '{layer}', which has no image in this plan"
                    : $"workload '{w.Name}' pins layer '{layer}', which stack '{stack.Name}' does not deploy (stage {tree[layer].Stage.ToText()})"));
                continue;
            }
            var hardware = profiles[w.Hardware?.Value ?? HardwareProfile.DefaultName];
            workloads.Add(new PlannedWorkload(w.Name, w.Kind, layer, image.Reference, hardware, w.Command,
                w.Kind is WorkloadKind.Service or WorkloadKind.Kernel ? w.Replicas : 1, w.Schedule, w.Ports, w.Env,
                w.Group ?? stack.Namespace ?? "beacon") { Platform = image.Platform });
        }

        var workspaces = new List<PlannedWorkspace>();
        foreach (var d in workspace.Developers.Where(d => d.RunsIn(stack)))
        {
            if (!images.TryGetValue(d.Layer.Value, out var image))
            {
                problems.Add(new PlanProblem($"developer {d.Name}", $"developer '{d.Name}' works in layer '{d.Layer.Value}', which stack '{stack.Name}' does not deploy"));
                continue;
            }
            // A workspace runs `jupyter server` in the layer's image: a layer without it would start and exit.
            if (stored[d.Layer.Value].Lock!.Named(WorkloadDocument.JupyterServer).Count == 0)
            {
                problems.Add(new PlanProblem($"developer {d.Name}", $"developer '{d.Name}' works in layer '{d.Layer.Value}', whose lock has no {WorkloadDocument.JupyterServer} (a workspace runs a Jupyter Server); add it: beacon add {d.Layer.Value} {WorkloadDocument.JupyterServer}"));
                continue;
            }
            if (d.Profile(profiles) is not { } profile)
            {
                problems.Add(new PlanProblem($"developer {d.Name}", $"developer '{d.Name}': stack '{stack.Name}' has no hardware profile '{d.Hardware?.Value}'"));
                continue;
            }
            workspaces.Add(new PlannedWorkspace(d.Name, d.Layer.Value, image.Reference, profile,
                d.Exploratory.Where(e => profiles.ContainsKey(e.Value)).Select(e => profiles[e.Value]).ToList(), d.Storage, d.Port) { Platform = image.Platform });
        }

        // Node pools for the profiles workloads and workspaces run on (a workspace's own resources need no pool of
        // their own: its pod is scheduled by its requests).
        var named = workspaces.SelectMany(w => w.Exploratory.Prepend(w.Hardware).Select(h => (Profile: h, w.Platform)))
            .Where(x => profiles.ContainsKey(x.Profile.Name) && profiles[x.Profile.Name] == x.Profile);
        var pools = workloads.Select(w => (Profile: w.Hardware, w.Platform)).Concat(named)
            .DistinctBy(x => PlannedNodePool.NameFor(x.Profile.Name, x.Platform))
            .Select(x => (Name: PlannedNodePool.NameFor(x.Profile.Name, x.Platform), x.Profile, x.Platform))
            .OrderBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => (stack.NodePools.TryGetValue(x.Name, out var size) || stack.NodePools.TryGetValue(x.Profile.Name, out size)
                ? new PlannedNodePool(x.Name, x.Profile, size.Min, size.Max)
                : new PlannedNodePool(x.Name, x.Profile, x.Profile.HasGpu ? 0 : 1, x.Profile.HasGpu ? 2 : 3)) with { Platform = x.Platform })
            .ToList();
        // A pool whose profile no machine of its family holds (with the cloud's reservations and the per-node
        // DaemonSets) would leave its pods Pending; GCP and Azure sell no Arm machine with a GPU at all.
        foreach (var pool in pools.Where(p => stack.Cloud is CloudTarget.Aws or CloudTarget.Gcp or CloudTarget.Azure && Sizing.NodeSizing.Machine(stack.Cloud, p.Profile, p.Platform) is null))
        {
            problems.Add(new PlanProblem($"node pool {pool.Name}", Sizing.NodeCatalog.Family(stack.Cloud, pool.Profile, pool.Platform).Count == 0
                ? $"{stack.Cloud.ToText()} has no Arm machine with a GPU: node pool '{pool.Name}' (profile '{pool.Profile.Name}' on linux-aarch64) cannot be made in stack '{stack.Name}'"
                : $"no {stack.Cloud.ToText()} machine holds a pod of profile '{pool.Profile.Name}' ({pool.Profile.Cpus} CPUs, {pool.Profile.Memory}" +
                  $"{(pool.Profile.Gpu is { } g ? $", {g.Count} {g.Kind}" : "")}) with the node's reservations: node pool '{pool.Name}' cannot be made in stack '{stack.Name}'; make the profile smaller"));
        }
        return new Plan(stack, registry, createRegistry, images.Values.ToList(), pools, workloads) { Problems = problems, Workspaces = workspaces };
    }
}
