using Beacon.Layers.Diff;

namespace Beacon.Layers.Locking;

/// <summary>What one layer's lock gained and lost in a lock run (its whole environment, inherited packages too).</summary>
public sealed record LockChange(string Layer, IReadOnlyList<PackageChange> Packages);

/// <summary>The package moves of a lock run against the locks it replaces: what <c>lock</c>, <c>add</c> and <c>remove</c> print.</summary>
public static class LockChanges
{
    public static IReadOnlyList<LockChange> Of(LockRun run) =>
        run.Results.OfType<LayerLocked>().Select(l => new LockChange(l.Layer, LayerChanges.Between(l.Previous, l.File))).ToList();

    /// <summary>Lines such as "  + pyarrow 15.0.2 py311h…", "  ~ numpy 1.26.4 → 2.0.0", "  - six 1.16.0 pyhd8ed1ab_0".</summary>
    public static IEnumerable<string> Lines(LockChange change) => change.Packages.Select(p => p.Kind switch
    {
        PackageChangeKind.Added => $"  + {p.Name} {p.To}",
        PackageChangeKind.Removed => $"  - {p.Name} {p.From}",
        _ => $"  ~ {p.Name} {p.From} → {p.To} ({p.Kind.ToString().ToLowerInvariant()})",
    });
}
