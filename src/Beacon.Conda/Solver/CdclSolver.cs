namespace Beacon.Conda.Solver;

/// <summary>
/// A conflict-driven clause-learning SAT solver over package records, in the design of resolvo and libsolv:
/// clauses for requests, requirements, constraints and pins are generated lazily (when a record becomes installed),
/// "at most one record per name" is propagated natively, two watched literals drive unit propagation, conflicts
/// are analysed to the first unique implication point and learned, and decisions pick, among the unmet
/// requirements of installed records, the one with the fewest open candidates and install its best candidate.
/// </summary>
internal sealed class CdclSolver
{
    private readonly Pool _pool;
    private readonly SolveRequest _request;
    private readonly sbyte[] _value;       // per solvable: 1 true, -1 false, 0 open
    private readonly int[] _level;
    private readonly Clause?[] _reason;
    private readonly int[] _amoReason;     // the solvable whose installation forced this one out (at most one per name)
    private readonly bool[] _expanded;     // clauses for this solvable's dependencies were added
    private readonly List<Clause>[] _watches;
    private readonly List<int> _trail = [];
    private readonly List<int> _levelStarts = [];
    private readonly List<Clause> _clauses = [];
    private readonly List<Clause> _requirements = [];
    private int _head;
    private int _decisions;
    private int _conflicts;

    public CdclSolver(Pool pool, SolveRequest request)
    {
        _pool = pool;
        _request = request;
        var n = pool.Count;
        _value = new sbyte[n];
        _level = new int[n];
        _reason = new Clause?[n];
        _amoReason = new int[n];
        _expanded = new bool[n];
        _watches = new List<Clause>[2 * n];
        for (var i = 0; i < _watches.Length; i++)
        {
            _watches[i] = [];
        }
    }

    public SolveStatistics Statistics => new(_decisions, _conflicts, _clauses.Count, _pool.Count - 1);

    /// <summary>The final conflict (with level-0 context) when unsatisfiable; null when a solution was found.</summary>
    public Clause? FinalConflict { get; private set; }

    /// <summary>Solves; returns the installed solvables (excluding the root), or null when unsatisfiable.</summary>
    public List<int>? Solve()
    {
        Assign(Clause.Pos(0), new Clause { Lits = [Clause.Pos(0)], Kind = ClauseKind.Root });
        foreach (var pin in _request.HardPins)
        {
            var id = _pool.Find(pin.Record);
            var clause = new Clause { Lits = [Clause.Pos(id)], Kind = ClauseKind.Pin, Solvable = id, Spec = pin.Origin };
            _clauses.Add(clause);
            if (_value[id] == -1)
            {
                FinalConflict = clause;
                return null;
            }
            if (_value[id] == 0)
            {
                Assign(Clause.Pos(id), clause);
            }
        }
        while (true)
        {
            var conflict = Propagate();
            if (conflict is not null)
            {
                _conflicts++;
                // A clause added lazily can be violated entirely by earlier levels; analyse it from its own level.
                var conflictLevel = ConflictLevel(conflict);
                Backtrack(conflictLevel);
                if (conflictLevel == 0)
                {
                    FinalConflict = conflict;
                    return null;
                }
                var (learned, backjump) = Analyze(conflict);
                Backtrack(backjump);
                AddLearned(learned);
                continue;
            }
            var decision = Decide();
            if (decision < 0)
            {
                var result = new List<int>();
                for (var s = 1; s < _value.Length; s++)
                {
                    if (_value[s] == 1)
                    {
                        result.Add(s);
                    }
                }
                return result;
            }
            _decisions++;
            _levelStarts.Add(_trail.Count);
            Assign(Clause.Pos(decision), null);
        }
    }

    private int CurrentLevel => _levelStarts.Count;

    private bool IsTrue(int lit) => _value[Clause.Var(lit)] == (Clause.IsNeg(lit) ? -1 : 1);
    private bool IsFalse(int lit) => _value[Clause.Var(lit)] == (Clause.IsNeg(lit) ? 1 : -1);

    private void Assign(int lit, Clause? reason, int amoReason = -1)
    {
        var v = Clause.Var(lit);
        _value[v] = (sbyte)(Clause.IsNeg(lit) ? -1 : 1);
        _level[v] = CurrentLevel;
        _reason[v] = reason;
        _amoReason[v] = amoReason;
        _trail.Add(lit);
    }

    private Clause? Propagate()
    {
        while (_head < _trail.Count)
        {
            var lit = _trail[_head++];
            var s = Clause.Var(lit);
            if (!Clause.IsNeg(lit))
            {
                var conflict = OnInstalled(s);
                if (conflict is not null)
                {
                    return conflict;
                }
            }
            var falseLit = lit ^ 1;
            var watchers = _watches[falseLit];
            for (var i = 0; i < watchers.Count; i++)
            {
                var clause = watchers[i];
                var lits = clause.Lits;
                if (lits[0] == falseLit)
                {
                    (lits[0], lits[1]) = (lits[1], lits[0]);
                }
                if (IsTrue(lits[0]))
                {
                    continue;
                }
                var moved = false;
                for (var k = 2; k < lits.Length; k++)
                {
                    if (!IsFalse(lits[k]))
                    {
                        (lits[1], lits[k]) = (lits[k], lits[1]);
                        _watches[lits[1]].Add(clause);
                        watchers[i] = watchers[^1];
                        watchers.RemoveAt(watchers.Count - 1);
                        i--;
                        moved = true;
                        break;
                    }
                }
                if (moved)
                {
                    continue;
                }
                if (IsFalse(lits[0]))
                {
                    return clause;
                }
                Assign(lits[0], clause);
            }
        }
        return null;
    }

    /// <summary>A record became installed: others of its name go out, and its dependency clauses come in.</summary>
    private Clause? OnInstalled(int s)
    {
        if (s != 0)
        {
            foreach (var other in _pool.Candidates(_pool.NameOf(s)))
            {
                if (other == s)
                {
                    continue;
                }
                if (_value[other] == 1)
                {
                    return new Clause { Lits = [Clause.Neg(s), Clause.Neg(other)], Kind = ClauseKind.ForbidMultiple, Solvable = s, Other = other };
                }
                if (_value[other] == 0)
                {
                    Assign(Clause.Neg(other), null, s);
                }
            }
        }
        if (_expanded[s])
        {
            return null;
        }
        _expanded[s] = true;
        if (s == 0)
        {
            Clause? rootConflict = null;
            for (var i = 0; i < _request.Requests.Count; i++)
            {
                var text = _request.Requests[i].Spec.ToString();
                var candidates = _pool.Matching(text);
                var clause = new Clause
                {
                    Lits = [Clause.Neg(0), .. candidates.Select(Clause.Pos)],
                    Kind = ClauseKind.Request, Solvable = 0, Spec = text, RequestIndex = i, Candidates = candidates,
                };
                _requirements.Add(clause);
                // Added even after one conflicts (a root conflict is final, at level 0).
                var conflict = AddClause(clause);
                rootConflict ??= conflict;
            }
            return rootConflict;
        }
        // Every clause of the record is added, even after one conflicts: the record is expanded once, so a clause left
        // out here would be missing for good when the record is installed again after backtracking. Of the clauses
        // that conflict, the one false at the lowest level is analysed: the backjump then goes below every other one,
        // which is no longer false there (a conflicting clause left false below the backjump would never be looked at
        // again).
        Clause? lowestConflict = null;
        var record = _pool.Record(s)!;
        foreach (var dep in record.Depends)
        {
            var candidates = _pool.Matching(dep);
            var clause = new Clause
            {
                Lits = [Clause.Neg(s), .. candidates.Select(Clause.Pos)],
                Kind = ClauseKind.Requires, Solvable = s, Spec = dep, Candidates = candidates,
            };
            _requirements.Add(clause);
            lowestConflict = Lowest(lowestConflict, AddClause(clause));
        }
        foreach (var constraint in record.Constrains)
        {
            var spec = _pool.Spec(constraint);
            var nameId = spec is null ? -1 : _pool.NameId(spec.Name);
            if (nameId < 0)
            {
                continue;
            }
            foreach (var c in _pool.Candidates(nameId))
            {
                if (!spec!.Matches(_pool.Record(c)!))
                {
                    var clause = new Clause { Lits = [Clause.Neg(s), Clause.Neg(c)], Kind = ClauseKind.Constrains, Solvable = s, Other = c, Spec = constraint };
                    lowestConflict = Lowest(lowestConflict, AddClause(clause));
                }
            }
        }
        return lowestConflict;
    }

    /// <summary>
    /// Of two conflicting clauses (either may be null), the one whose latest literal was assigned at the lower level,
    /// and of two at the same level the shorter: a record's dependency without any candidate ("not this record", one
    /// literal, at the record's own level, the lowest of its clauses) is always the one analysed, which makes "not this
    /// record" a fact at level 0 (that clause is watched by nothing, so nothing else would ever enforce it again).
    /// </summary>
    private Clause? Lowest(Clause? a, Clause? b)
    {
        if (a is null || b is null)
        {
            return a ?? b;
        }
        var (la, lb) = (ConflictLevel(a), ConflictLevel(b));
        return lb < la || (lb == la && b.Lits.Length < a.Lits.Length) ? b : a;
    }

    private int ConflictLevel(Clause clause) => clause.Lits.Max(l => _level[Clause.Var(l)]);

    /// <summary>Adds a clause mid-search: sets up its watches and propagates or reports it at once when needed.</summary>
    private Clause? AddClause(Clause clause)
    {
        _clauses.Add(clause);
        var lits = clause.Lits;
        if (lits.Length == 1)
        {
            if (IsFalse(lits[0]))
            {
                return clause;
            }
            if (!IsTrue(lits[0]))
            {
                Assign(lits[0], clause);
            }
            return null;
        }
        // Watch the two best literals: not false first, then false ones assigned latest.
        for (var w = 0; w < 2; w++)
        {
            var best = w;
            for (var k = w + 1; k < lits.Length; k++)
            {
                if (Better(lits[k], lits[best]))
                {
                    best = k;
                }
            }
            (lits[w], lits[best]) = (lits[best], lits[w]);
        }
        _watches[lits[0]].Add(clause);
        _watches[lits[1]].Add(clause);
        if (IsFalse(lits[0]))
        {
            return clause;
        }
        if (IsFalse(lits[1]) && !IsTrue(lits[0]))
        {
            Assign(lits[0], clause);
        }
        return null;
    }

    private bool Better(int a, int b)
    {
        var fa = IsFalse(a);
        var fb = IsFalse(b);
        if (fa != fb)
        {
            return !fa;
        }
        return fa && _level[Clause.Var(a)] > _level[Clause.Var(b)];
    }

    /// <summary>The clause that forced a variable, materialising "at most one per name" reasons on demand.</summary>
    private Clause ReasonOf(int v)
    {
        if (_reason[v] is { } clause)
        {
            return clause;
        }
        var by = _amoReason[v];
        return new Clause { Lits = [Clause.Neg(v), Clause.Neg(by)], Kind = ClauseKind.ForbidMultiple, Solvable = by, Other = v };
    }

    private (Clause Learned, int Backjump) Analyze(Clause conflict)
    {
        var seen = new HashSet<int>();
        var learned = new List<int> { -1 };
        var antecedents = new List<Clause>();
        var level0 = new List<int>();
        var counter = 0;
        var clause = conflict;
        var p = -1;
        var index = _trail.Count - 1;
        while (true)
        {
            antecedents.Add(clause);
            foreach (var q in clause.Lits)
            {
                var v = Clause.Var(q);
                if (p >= 0 && v == Clause.Var(p))
                {
                    continue;
                }
                if (!seen.Add(v))
                {
                    continue;
                }
                if (_level[v] == 0)
                {
                    level0.Add(v);
                }
                else if (_level[v] == CurrentLevel)
                {
                    counter++;
                }
                else
                {
                    learned.Add(q);
                }
            }
            while (!seen.Contains(Clause.Var(_trail[index])))
            {
                index--;
            }
            p = _trail[index--];
            counter--;
            if (counter == 0)
            {
                break;
            }
            clause = ReasonOf(Clause.Var(p));
        }
        learned[0] = p ^ 1;
        var backjump = 0;
        for (var i = 1; i < learned.Count; i++)
        {
            var lv = _level[Clause.Var(learned[i])];
            if (lv > backjump)
            {
                backjump = lv;
                (learned[1], learned[i]) = (learned[i], learned[1]);
            }
        }
        return (new Clause { Lits = learned.ToArray(), Kind = ClauseKind.Learned, Antecedents = antecedents, Level0Vars = level0 }, backjump);
    }

    private void Backtrack(int level)
    {
        if (level >= CurrentLevel)
        {
            return;
        }
        var start = _levelStarts[level];
        for (var i = _trail.Count - 1; i >= start; i--)
        {
            var v = Clause.Var(_trail[i]);
            _value[v] = 0;
            _reason[v] = null;
            _amoReason[v] = -1;
        }
        _trail.RemoveRange(start, _trail.Count - start);
        _levelStarts.RemoveRange(level, _levelStarts.Count - level);
        _head = _trail.Count;
    }

    private void AddLearned(Clause learned)
    {
        _clauses.Add(learned);
        var lits = learned.Lits;
        if (lits.Length > 1)
        {
            _watches[lits[0]].Add(learned);
            _watches[lits[1]].Add(learned);
        }
        Assign(lits[0], learned);
    }

    /// <summary>
    /// Among the unmet requirements of installed records (and the requests), the one with the fewest open candidates;
    /// its best open candidate is installed next. -1 when every requirement is met.
    /// </summary>
    private int Decide()
    {
        var best = -1;
        var bestCount = int.MaxValue;
        foreach (var clause in _requirements)
        {
            if (_value[clause.Solvable] != 1)
            {
                continue;
            }
            var first = -1;
            var open = 0;
            var satisfied = false;
            foreach (var c in clause.Candidates)
            {
                var value = _value[c];
                if (value == 1)
                {
                    satisfied = true;
                    break;
                }
                if (value == 0)
                {
                    if (first < 0)
                    {
                        first = c;
                    }
                    open++;
                }
            }
            if (!satisfied && first >= 0 && open < bestCount)
            {
                best = first;
                bestCount = open;
            }
        }
        return best;
    }

    /// <summary>Every original clause the final conflict rests on (the unsatisfiable core), in discovery order.</summary>
    public List<Clause> UnsatisfiableCore()
    {
        var core = new List<Clause>();
        if (FinalConflict is null)
        {
            return core;
        }
        var seenClauses = new HashSet<Clause>(ReferenceEqualityComparer.Instance);
        var seenVars = new HashSet<int>();
        var queue = new Queue<Clause>();
        queue.Enqueue(FinalConflict);
        while (queue.Count > 0)
        {
            var clause = queue.Dequeue();
            if (!seenClauses.Add(clause))
            {
                continue;
            }
            if (clause.Kind == ClauseKind.Learned)
            {
                foreach (var a in clause.Antecedents!)
                {
                    queue.Enqueue(a);
                }
                foreach (var v in clause.Level0Vars!)
                {
                    if (seenVars.Add(v) && _value[v] != 0)
                    {
                        queue.Enqueue(ReasonOf(v));
                    }
                }
                continue;
            }
            core.Add(clause);
            // Every literal of a level-0 conflict is a level-0 fact; include what forced each one.
            foreach (var lit in clause.Lits)
            {
                var v = Clause.Var(lit);
                if (_value[v] != 0 && _level[v] == 0 && seenVars.Add(v) && (_reason[v] is not null || _amoReason[v] >= 0))
                {
                    var r = ReasonOf(v);
                    if (!ReferenceEquals(r, clause))
                    {
                        queue.Enqueue(r);
                    }
                }
            }
        }
        return core;
    }
}
