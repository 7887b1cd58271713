using Beacon.Conda.Records;
using Beacon.Conda.Solver.Explanation;
using Beacon.Conda.Specs;

namespace Beacon.Conda.Solver;

/// <summary>The entry point: solve a request into records, or into an explanation of why it cannot be met.</summary>
public static class CondaSolver
{
    public static SolveResult Solve(SolveRequest request, ChannelPriority priority = ChannelPriority.Strict)
    {
        // One pool for every solve of this request: it depends on the channels, virtual packages, pins and locks, never on
        // the requests, so the raise below re-solves with further requests on the same candidates and caches.
        var pool = new Pool(request, priority);
        var result = SolveOnce(pool, request);
        return result.Solved ? RaiseRequestedVersions(pool, request, result) : result;
    }

    /// <summary>
    /// conda's first aim after meeting every request is the highest versions of the requested packages; the search
    /// meets the requirement with the fewest candidates first, which can settle a requested package lower than it could
    /// be (asked for sqlite and zlib, it took zlib 1.3.1 and so sqlite 3.32, where sqlite 3.45 with zlib 1.2.13 fits). So,
    /// request by request in the order of their text (the answer never depends on the order they were written in), the
    /// highest version the request admits that still has a solution is found by bisection (whether some solution has a
    /// version at least v can only stop being true as v rises) and kept as a further request. A name a parent pins or
    /// an existing lock holds is left alone: a child cannot move its parent, and a re-lock moves as little as it can.
    /// (After the search, not inside it: its candidate order stays mamba's and resolvo's.)
    /// </summary>
    private static SolveResult RaiseRequestedVersions(Pool pool, SolveRequest request, SolveResult first)
    {
        var held = request.HardPins.Select(p => p.Record.Name).Concat(request.SoftLocks.Select(r => r.Name)).ToHashSet(StringComparer.Ordinal);
        var result = first;
        var raised = new List<Request>();
        foreach (var asked in request.Requests.OrderBy(r => r.Spec.ToString(), StringComparer.Ordinal))
        {
            var name = asked.Spec.Name;
            if (name == "*" || name.StartsWith("__", StringComparison.Ordinal) || held.Contains(name)
                || result.Records!.FirstOrDefault(r => r.Name == name) is not { } installed)
            {
                continue;
            }
            // A build with track_features stays what every solver avoids unless nothing else fits (mamba, rattler and
            // conda's libmamba solver do): a record without them is raised only among records without them.
            var higher = pool.Matching(asked.Spec.ToString()).Select(id => pool.Record(id)!)
                .Where(r => r.Version > installed.Version && (installed.TrackFeatures.Count > 0 || r.TrackFeatures.Count == 0))
                .Select(r => r.Version).Distinct().Order().ToList();
            SolveResult? best = null;
            Request? bestRequest = null;
            var (lo, hi) = (0, higher.Count - 1);
            while (lo <= hi)
            {
                var mid = (lo + hi) / 2;
                if (MatchSpec.TryParse($"{name} >={higher[mid].Text}") is not { Success: true } parsed)
                {
                    break; // a version text no spec can name: nothing to raise it to
                }
                var atLeast = new Request(parsed.Value, asked.Origin);
                var attempt = SolveOnce(pool, request with { Requests = [.. request.Requests, .. raised, atLeast] });
                if (attempt.Solved)
                {
                    (best, bestRequest, lo) = (attempt, atLeast, mid + 1);
                }
                else
                {
                    hi = mid - 1;
                }
            }
            if (best is not null)
            {
                result = best;
                raised.Add(bestRequest!);
            }
        }
        return result;
    }

    /// <summary>One search; <paramref name="pool"/> was built from <paramref name="request"/> but for its requests.</summary>
    private static SolveResult SolveOnce(Pool pool, SolveRequest request)
    {
        var solver = new CdclSolver(pool, request);
        var solution = solver.Solve();
        if (solution is null)
        {
            var explanation = ConflictExplainer.Explain(pool, request, solver.UnsatisfiableCore());
            return new SolveResult(null, explanation) { Statistics = solver.Statistics };
        }
        SolutionCheck.Verify(pool, request, solution);
        var records = solution
            .Select(pool.Record)
            .OfType<PackageRecord>()
            .Where(r => !r.Name.StartsWith("__", StringComparison.Ordinal))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        return new SolveResult(records, null) { Statistics = solver.Statistics };
    }
}
