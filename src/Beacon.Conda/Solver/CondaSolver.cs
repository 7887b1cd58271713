using Beacon.Conda.Records;
using Beacon.Conda.Solver.Explanation;

namespace Beacon.Conda.Solver;

/// <summary>The entry point: solve a request into records, or into an explanation of why it cannot be met.</summary>
public static class CondaSolver
{
    public static SolveResult Solve(SolveRequest request, ChannelPriority priority = ChannelPriority.Strict)
    {
        var pool = new Pool(request, priority);
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
