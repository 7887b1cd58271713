using Beacon.Conda.Records;

namespace Beacon.Conda.Solver;

/// <summary>
/// What every answer of the solver must be, checked on the answer itself before anyone sees it: each request met,
/// each installed record's depends met and constrains kept by what is installed, one record per name, every hard pin
/// installed. A violation is a defect in the solver, never in the input: it throws rather than let a lock hold an
/// environment conda would refuse (a missing dependency was once returned this way; see CdclSolver.OnInstalled).
/// Dependencies and constraints are <see cref="EnvironmentClosure"/>'s rule, the one the gate checks locks with.
/// </summary>
internal static class SolutionCheck
{
    public static void Verify(Pool pool, SolveRequest request, IReadOnlyList<int> solution)
    {
        var installed = solution.Where(s => s > 0).Select(s => pool.Record(s)!).ToList();
        var byName = new Dictionary<string, PackageRecord>(StringComparer.Ordinal);
        foreach (var record in installed)
        {
            if (!byName.TryAdd(record.Name, record))
            {
                Fail($"two records of '{record.Name}' are installed: {byName[record.Name].DistString} and {record.DistString}");
            }
        }
        foreach (var r in request.Requests)
        {
            if (!(r.Spec.Name == "*" ? installed.Any(r.Spec.Matches) : byName.TryGetValue(r.Spec.Name, out var met) && r.Spec.Matches(met)))
            {
                Fail($"the request '{r.Spec}' is not met");
            }
        }
        foreach (var pin in request.HardPins)
        {
            if (!byName.TryGetValue(pin.Record.Name, out var r) || !ReferenceEquals(r, pin.Record) && r.DistString != pin.Record.DistString)
            {
                Fail($"the pin {pin.Record.DistString} ({pin.Origin}) is not installed");
            }
        }
        foreach (var broken in EnvironmentClosure.Breaks(installed, virtualPackagesIncluded: true))
        {
            Fail(broken.Breaker is null
                ? $"{broken.Record.DistString} depends on '{broken.Spec}', which nothing installed provides"
                : $"{broken.Record.DistString} constrains '{broken.Spec}', which the installed {broken.Breaker.DistString} breaks");
        }
    }

    private static void Fail(string what) =>
        throw new InvalidOperationException($"the solver's answer is inconsistent ({what}); this is a defect in Beacon's solver, please report it with the request");
}
