using Beacon.Conda.Specs;

namespace Beacon.Conda.Records;

/// <summary>
/// Where a set of installed records breaks itself: a record's dependency that no installed record meets
/// (<see cref="Breaker"/> null; a dependency string that does not parse is met by nothing), or an installed record a
/// constraint of another excludes (<see cref="Breaker"/>).
/// </summary>
public sealed record ClosureBreak(PackageRecord Record, string Spec, PackageRecord? Breaker);

/// <summary>
/// The rule that an environment holds every dependency of every record in it and nothing a record's constraints
/// exclude. One rule for both its users: the solver checks each answer against it, and the gate checks each lock.
/// </summary>
public static class EnvironmentClosure
{
    /// <param name="installed">One record per package name.</param>
    /// <param name="virtualPackagesIncluded">
    /// Whether the set holds the virtual packages (a solver's answer does); a lock does not, so dependencies on
    /// <c>__glibc</c> and the like are left to the machine that installs it.
    /// </param>
    public static IEnumerable<ClosureBreak> Breaks(IReadOnlyCollection<PackageRecord> installed, bool virtualPackagesIncluded)
    {
        var byName = installed.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var record in installed)
        {
            foreach (var depend in record.Depends)
            {
                if (!virtualPackagesIncluded && depend.StartsWith("__", StringComparison.Ordinal))
                {
                    continue;
                }
                var met = SpecCache.TryParse(depend) is { Success: true } parsed
                    && (parsed.Value.Name == "*" ? installed.Any(parsed.Value.Matches)
                        : byName.TryGetValue(parsed.Value.Name, out var provider) && parsed.Value.Matches(provider));
                if (!met)
                {
                    yield return new ClosureBreak(record, depend, null);
                }
            }
            foreach (var constraint in record.Constrains)
            {
                if (SpecCache.TryParse(constraint) is { Success: true } parsed && byName.TryGetValue(parsed.Value.Name, out var other)
                    && !parsed.Value.Matches(other))
                {
                    yield return new ClosureBreak(record, constraint, other);
                }
            }
        }
    }
}
