using Beacon.Conda.Records;

namespace Beacon.Conda.Solver;

/// <summary>
/// What every answer of the solver must be, checked on the answer itself before anyone sees it: each request met,
/// each installed record's depends met and constrains kept by what is installed, one record per name, every hard pin
/// installed. A violation is a defect in the solver, never in the input: it throws rather than let a lock hold an
/// environment conda would refuse (a missing dependency was once returned this way; see CdclSolver.OnInstalled).
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
        bool Met(string specText) => pool.Spec(specText) is { } spec
            && (spec.Name == "*" ? installed.Any(spec.Matches) : byName.TryGetValue(spec.Name, out var r) && spec.Matches(r));
        foreach (var r in request.Requests)
        {
            if (!Met(r.Spec.ToString()))
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
        foreach (var record in installed)
        {
            foreach (var depend in record.Depends)
            {
                if (!Met(depend))
                {
                    Fail($"{record.DistString} depends on '{depend}', which nothing installed provides");
                }
            }
            foreach (var constraint in record.Constrains)
            {
                if (pool.Spec(constraint) is { } spec && byName.TryGetValue(spec.Name, out var other) && !spec.Matches(other))
                {
                    Fail($"{record.DistString} constrains '{constraint}', which the installed {other.DistString} breaks");
                }
            }
        }
    }

    private static void Fail(string what) =>
        throw new InvalidOperationException($"the solver's answer is inconsistent ({what}); this is a defect in Beacon's solver, please report it with the request");
}
