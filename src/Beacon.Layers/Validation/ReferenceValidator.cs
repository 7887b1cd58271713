using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Yaml;

namespace Beacon.Layers.Validation;

/// <summary>References between files: workloads → layers and hardware, layers → hardware, unique workload names.</summary>
public static class ReferenceValidator
{
    public static void Validate(
        IReadOnlyList<LayerDocument> layers,
        IReadOnlyList<WorkloadDocument> workloads,
        IReadOnlyList<StackDocument> stacks,
        RepositorySettings settings,
        DiagnosticBag bag,
        IReadOnlyList<DeveloperDocument>? developers = null)
    {
        developers ??= [];
        var layerNames = layers.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var hardware = HardwareProfile.Defaults.Keys
            .Concat(settings.Hardware.Keys)
            .Concat(stacks.SelectMany(s => s.Hardware.Keys))
            .ToHashSet(StringComparer.Ordinal);

        foreach (var layer in layers)
        {
            if (layer.Hardware is { } h && !hardware.Contains(h.Value))
            {
                bag.Error(h.Location, DiagnosticCode.LayerUnknownHardware, UnknownProfile(h.Value, hardware));
            }
        }

        var platforms = layers.Where(l => l.IsRoot).Select(l => l.Platform?.Value ?? Conda.Specs.Subdirs.Linux64).ToHashSet(StringComparer.Ordinal);
        var seen = new Dictionary<string, WorkloadDocument>(StringComparer.Ordinal);
        foreach (var w in workloads.OrderBy(w => w.File, StringComparer.Ordinal).ThenBy(w => w.NameLocation.Line))
        {
            if (seen.TryGetValue(w.Name, out var first))
            {
                bag.Error(w.NameLocation, DiagnosticCode.DuplicateWorkload, $"workload '{w.Name}' is already defined in '{first.File}'; workload names must be unique");
            }
            else
            {
                seen[w.Name] = w;
            }
            if (w.Layer is { } l && !layerNames.Contains(l.Value))
            {
                bag.Error(l.Location, DiagnosticCode.WorkloadUnknownLayer, $"workload '{w.Name}' pins layer '{l.Value}', which does not exist{Suggestions.DidYouMean(l.Value, layerNames)}");
            }
            foreach (var s in w.Stacks ?? [])
            {
                if (stacks.All(st => st.Name != s.Value))
                {
                    bag.Error(s.Location, DiagnosticCode.WorkloadUnknownStack,
                        $"workload '{w.Name}' lists stack '{s.Value}', which has no stacks/Pulumi.{s.Value}.yaml{Suggestions.DidYouMean(s.Value, stacks.Select(st => st.Name))}");
                }
            }
            if (w.Platform is { } wp && Conda.Specs.Subdirs.IsKnown(wp.Value) && !platforms.Contains(wp.Value))
            {
                bag.Error(wp.Location, DiagnosticCode.InvalidValue, $"workload '{w.Name}' runs on {wp.Value}, and no root layer targets it (roots: {string.Join(", ", platforms.Order(StringComparer.Ordinal))})");
            }
            if (w.Hardware is { } h && !hardware.Contains(h.Value))
            {
                bag.Error(h.Location, DiagnosticCode.WorkloadUnknownHardware, UnknownProfile(h.Value, hardware));
            }
        }
        CheckDevelopers(developers, layerNames, hardware, stacks, settings, bag);
        CheckHostPorts(workloads, stacks, bag, developers);
    }

    private static void CheckDevelopers(IReadOnlyList<DeveloperDocument> developers, IReadOnlySet<string> layerNames, IReadOnlySet<string> hardware,
        IReadOnlyList<StackDocument> stacks, RepositorySettings settings, DiagnosticBag bag)
    {
        // Limits are checked against the organisation's profiles (a stack may resize a profile for its own nodes).
        var profiles = new Dictionary<string, HardwareProfile>(HardwareProfile.Defaults, StringComparer.Ordinal);
        foreach (var (k, v) in settings.Hardware)
        {
            profiles[k] = v;
        }
        foreach (var d in developers)
        {
            if (!layerNames.Contains(d.Layer.Value))
            {
                bag.Error(d.Layer.Location, DiagnosticCode.DeveloperUnknownReference, $"developer '{d.Name}' works in layer '{d.Layer.Value}', which does not exist{Suggestions.DidYouMean(d.Layer.Value, layerNames)}");
            }
            foreach (var h in d.Exploratory.Prepend(d.Hardware is { } own ? own : default).Where(h => h.Value is not null))
            {
                if (!hardware.Contains(h.Value))
                {
                    bag.Error(h.Location, DiagnosticCode.DeveloperUnknownReference, UnknownProfile(h.Value, hardware));
                }
                else if (profiles.TryGetValue(h.Value, out var profile) && settings.DeveloperLimits.Exceeded(profile) is { Count: > 0 } over)
                {
                    bag.Error(h.Location, DiagnosticCode.DeveloperOverLimit, $"developer '{d.Name}': profile '{h.Value}' asks for {string.Join(", ", over)} (beacon.yaml developers:)");
                }
            }
            if (d.Resources is { } r && settings.DeveloperLimits.Exceeded(r) is { Count: > 0 } mine)
            {
                bag.Error(d.ResourcesLocation ?? d.NameLocation, DiagnosticCode.DeveloperOverLimit, $"developer '{d.Name}' asks for {string.Join(", ", mine)} (beacon.yaml developers:)");
            }
            foreach (var s in d.Stacks ?? [])
            {
                if (stacks.All(st => st.Name != s.Value))
                {
                    bag.Error(s.Location, DiagnosticCode.DeveloperUnknownReference,
                        $"developer '{d.Name}' lists stack '{s.Value}', which has no stacks/Pulumi.{s.Value}.yaml{Suggestions.DidYouMean(s.Value, stacks.Select(st => st.Name))}");
                }
            }
        }
    }

    /// <summary>
    /// A local stack publishes every service port on 127.0.0.1 of one machine: two workloads (in any groups) cannot
    /// publish the same one. Clusters give each service its own address, so only local stacks are checked.
    /// </summary>
    private static void CheckHostPorts(IReadOnlyList<WorkloadDocument> workloads, IReadOnlyList<StackDocument> stacks, DiagnosticBag bag,
        IReadOnlyList<DeveloperDocument> developers)
    {
        foreach (var stack in stacks.Where(s => s.Cloud == CloudTarget.Local))
        {
            var taken = new Dictionary<int, (string Name, string File)>();
            foreach (var w in workloads.Where(w => w.RunsIn(stack) && w.Kind is WorkloadKind.Service or WorkloadKind.Kernel)
                         .OrderBy(w => w.File, StringComparer.Ordinal).ThenBy(w => w.NameLocation.Line))
            {
                // A kernel without ports serves Jupyter on 8888 (KernelServer in Beacon.Images).
                foreach (var port in w.Kind == WorkloadKind.Kernel && w.Ports.Count == 0 ? [8888] : w.Ports)
                {
                    if (taken.TryGetValue(port, out var first))
                    {
                        bag.Error(w.NameLocation, DiagnosticCode.HostPortClash,
                            $"workload '{w.Name}' publishes port {port} on 127.0.0.1, which {first.Name} ({first.File}) publishes too in local stack '{stack.Name}'; give one of them another port");
                    }
                    else
                    {
                        taken[port] = ($"workload '{w.Name}'", w.File);
                    }
                }
            }
            // A workspace runs beside the stack's workloads on its developer's machine (not beside other developers'
            // workspaces, which run on theirs): only the workloads' ports are taken.
            foreach (var d in developers.Where(d => d.RunsIn(stack)).OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                if (taken.TryGetValue(d.Port, out var first))
                {
                    bag.Error(d.NameLocation, DiagnosticCode.HostPortClash,
                        $"developer '{d.Name}' publishes port {d.Port} on 127.0.0.1, which {first.Name} ({first.File}) publishes too in local stack '{stack.Name}'; set another 'port:'");
                }
            }
        }
    }

    private static string UnknownProfile(string name, IReadOnlySet<string> known) =>
        $"hardware profile '{name}' is not defined by the defaults, beacon.yaml or any stack (known: {string.Join(", ", known.Order(StringComparer.Ordinal))}){Suggestions.DidYouMean(name, known)}";
}
