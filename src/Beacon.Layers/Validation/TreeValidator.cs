using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Tree;
using Beacon.Layers.Yaml;

namespace Beacon.Layers.Validation;

/// <summary>
/// Checks the shape of the layer set (unique names, known parents, no cycles, at least one root) and builds the
/// <see cref="LayerTree"/> when it holds.
/// </summary>
public static class TreeValidator
{
    public static LayerTree? Validate(IReadOnlyList<LayerDocument> layers, DiagnosticBag bag)
    {
        var errors = bag.Items.Count;
        var byName = new Dictionary<string, LayerDocument>(StringComparer.Ordinal);
        foreach (var layer in layers.OrderBy(l => l.File, StringComparer.Ordinal))
        {
            if (byName.TryGetValue(layer.Name, out var first))
            {
                bag.Error(layer.NameLocation, DiagnosticCode.DuplicateLayer, $"layer '{layer.Name}' is already defined in '{first.File}'; layer names must be unique");
                continue;
            }
            byName[layer.Name] = layer;
        }

        foreach (var layer in byName.Values)
        {
            if (layer.Parent is { } p && !byName.ContainsKey(p.Value))
            {
                bag.Error(p.Location, DiagnosticCode.UnknownParent, $"parent '{p.Value}' of layer '{layer.Name}' does not exist{Suggestions.DidYouMean(p.Value, byName.Keys)}");
            }
        }

        ReportCycles(byName, bag);

        // Several roots are fine (one per OS base or platform); a child cannot change platform (LayerReader refuses
        // 'platform' on a child), so every layer's platform is its root's.
        if (byName.Count > 0 && byName.Values.All(l => !l.IsRoot))
        {
            var first = byName.Values.OrderBy(l => l.File, StringComparer.Ordinal).First();
            bag.Error(first.NameLocation, DiagnosticCode.NoRoot, "no layer is a root: at least one layer must have no 'parent' (the core environment)");
        }

        return bag.Items.Count == errors && byName.Count > 0 ? LayerTree.FromValidated(byName.Values) : null;
    }

    private static void ReportCycles(Dictionary<string, LayerDocument> byName, DiagnosticBag bag)
    {
        var settled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in byName.Keys.Order(StringComparer.Ordinal))
        {
            var path = new List<string>();
            var onPath = new HashSet<string>(StringComparer.Ordinal);
            var current = start;
            while (current is not null && !settled.Contains(current) && byName.TryGetValue(current, out var layer))
            {
                if (!onPath.Add(current))
                {
                    var cycle = path.Skip(path.IndexOf(current)).ToList();
                    // Report once, at the cycle member whose name sorts first, reading the cycle from there.
                    var firstIndex = cycle.IndexOf(cycle.Min(StringComparer.Ordinal)!);
                    var ordered = cycle.Skip(firstIndex).Concat(cycle.Take(firstIndex)).ToList();
                    var at = byName[ordered[0]].Parent!.Value.Location;
                    bag.Error(at, DiagnosticCode.ParentCycle,
                        $"layers form a cycle: {string.Join(" → ", ordered.Append(ordered[0]))} (each names the next as its parent); one of them must have another parent");
                    break;
                }
                path.Add(current);
                current = layer.Parent?.Value;
            }
            foreach (var p in path)
            {
                settled.Add(p);
            }
        }
    }
}
