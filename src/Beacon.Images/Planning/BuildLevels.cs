namespace Beacon.Images.Planning;

/// <summary>
/// The order in which a set of layers can be built in parallel: level 0 holds the layers none of whose ancestors is
/// in the set, level n+1 those whose nearest ancestor in the set is on level n. Every layer of a level can build at
/// the same time as its siblings, after the level before it: a CI matrix per level (the deploy workflow), or one
/// Kubernetes Job per layer waiting for its parent's (<c>build --emit kubernetes</c>). Ancestors outside the set are
/// not built again: their images are in the registry, or the child's build builds them (the oci builder builds a
/// layer's whole chain, reusing what is already pushed), so an order is an optimisation, never a condition of
/// correctness.
/// </summary>
public sealed record BuildLevels(IReadOnlyList<IReadOnlyList<string>> Levels)
{
    /// <summary>The levels of <paramref name="layers"/> (every image of the plan when empty); names sorted within a level.</summary>
    public static BuildLevels Of(Plan plan, IReadOnlyCollection<string> layers)
    {
        var parents = plan.Images.ToDictionary(i => i.Layer, i => i.Parent, StringComparer.Ordinal);
        var set = (layers.Count == 0 ? plan.Images.Select(i => i.Layer) : layers).ToHashSet(StringComparer.Ordinal);
        var levels = new Dictionary<string, int>(StringComparer.Ordinal);
        int Level(string layer)
        {
            if (levels.TryGetValue(layer, out var known))
            {
                return known;
            }
            return levels[layer] = Nearest(parents, set, layer) is { } up ? Level(up) + 1 : 0;
        }
        var byLevel = set.GroupBy(Level).OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<string>)[.. g.Order(StringComparer.Ordinal)])
            .ToList();
        return new BuildLevels(byLevel);
    }

    /// <summary>The layer that must be built before this one (its nearest ancestor in the set), or null.</summary>
    public static string? After(Plan plan, IReadOnlyCollection<string> set, string layer) =>
        Nearest(plan.Images.ToDictionary(i => i.Layer, i => i.Parent, StringComparer.Ordinal), set, layer);

    private static string? Nearest(Dictionary<string, string?> parents, IReadOnlyCollection<string> set, string layer)
    {
        var up = parents[layer];
        while (up is not null && !set.Contains(up))
        {
            up = parents[up];
        }
        return up;
    }
}
