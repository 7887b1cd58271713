namespace Beacon.Conda.Solver;

/// <summary>What a clause says, in the terms the explanation uses.</summary>
internal enum ClauseKind
{
    /// <summary>¬root ∨ c1 ∨ … : a request must be met by one of its candidates.</summary>
    Request,
    /// <summary>¬s ∨ c1 ∨ … : installing s requires one candidate of its dependency.</summary>
    Requires,
    /// <summary>¬s ∨ ¬c : s constrains another package and c does not fit the constraint.</summary>
    Constrains,
    /// <summary>¬a ∨ ¬b : at most one record per package name.</summary>
    ForbidMultiple,
    /// <summary>p : a hard pin (the parent layer's record) must be installed.</summary>
    Pin,
    /// <summary>¬root : the root is installed (level-0 fact).</summary>
    Root,
    /// <summary>Derived by conflict analysis.</summary>
    Learned,
}

/// <summary>
/// A disjunction of literals (literal = solvable * 2 + 1 when negated). <see cref="Lits"/>[0] and [1] are the
/// watched literals and get reordered; <see cref="Candidates"/> keeps the requirement's candidates in preference
/// order for decisions.
/// </summary>
internal sealed class Clause
{
    public required int[] Lits { get; init; }
    public required ClauseKind Kind { get; init; }
    /// <summary>The solvable whose dependency or constraint this is (0 = root for requests).</summary>
    public int Solvable { get; init; }
    /// <summary>For <see cref="ClauseKind.Constrains"/> and <see cref="ClauseKind.ForbidMultiple"/>: the other solvable.</summary>
    public int Other { get; init; }
    /// <summary>The dependency, constraint or request text.</summary>
    public string? Spec { get; init; }
    /// <summary>For requests: the index into the request list.</summary>
    public int RequestIndex { get; init; } = -1;
    /// <summary>For requests and requirements: candidates, best first.</summary>
    public int[] Candidates { get; init; } = [];
    /// <summary>For learned clauses: the clauses resolved to derive it, and the level-0 facts it relied on.</summary>
    public List<Clause>? Antecedents { get; set; }
    public List<int>? Level0Vars { get; set; }

    public static int Pos(int solvable) => solvable << 1;
    public static int Neg(int solvable) => (solvable << 1) | 1;
    public static int Var(int lit) => lit >> 1;
    public static bool IsNeg(int lit) => (lit & 1) == 1;
}
