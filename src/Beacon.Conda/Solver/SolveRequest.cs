using Beacon.Conda.Records;
using Beacon.Conda.Specs;

namespace Beacon.Conda.Solver;

/// <summary>A requested spec and who asked for it (shown in explanations: "layer gpu-ml asks for ...").</summary>
public sealed record Request(MatchSpec Spec, string? Origin = null)
{
    public override string ToString() => Spec.ToString();
}

/// <summary>A record that must be installed exactly, and why (e.g. "parent layer 'core'").</summary>
public sealed record HardPin(PackageRecord Record, string Origin);

/// <summary>
/// Everything the solver needs. Channels are in priority order (index 0 first); each holds the records of every subdir
/// read for it. Hard pins are installed exactly (a parent layer's records); soft locks are preferred when they fit (an
/// existing lock, so that a re-lock moves as little as possible).
/// </summary>
public sealed record SolveRequest
{
    public required IReadOnlyList<IReadOnlyList<PackageRecord>> Channels { get; init; }
    public required IReadOnlyList<Request> Requests { get; init; }
    public IReadOnlyList<PackageRecord> VirtualPackages { get; init; } = [];
    public IReadOnlyList<HardPin> HardPins { get; init; } = [];
    public IReadOnlyList<PackageRecord> SoftLocks { get; init; } = [];
}

/// <summary>The solver's answer: the records to install (sorted by name), or why there are none.</summary>
public sealed record SolveResult(IReadOnlyList<PackageRecord>? Records, Explanation.ConflictExplanation? Conflict)
{
    public bool Solved => Records is not null;
    public SolveStatistics Statistics { get; init; } = new(0, 0, 0, 0);
}

public sealed record SolveStatistics(int Decisions, int Conflicts, int Clauses, int Candidates);
