using System.Text;
using Beacon.Conda.Records;

namespace Beacon.Conda.Solver.Explanation;

/// <summary>One line of an explanation and the lines that explain it.</summary>
public sealed record ConflictNode(string Text, IReadOnlyList<ConflictNode> Children);

/// <summary>
/// Why a request cannot be met, as data (the way resolvo keeps its conflict graph): the tree of reasons, the requests
/// involved, who pinned the clashing records (<see cref="HardPin.Origin"/>), and the virtual packages the target lacks.
/// Callers add what to do about it in their own words (a layer, a command line); <see cref="Text"/> is the tree drawn.
/// </summary>
public sealed record ConflictExplanation(ConflictNode Root, IReadOnlyList<string> Requests, IReadOnlyList<string> PinOrigins, IReadOnlyList<string> MissingVirtualPackages)
{
    public string Text { get; } = Draw(Root);

    public override string ToString() => Text;

    private static string Draw(ConflictNode root)
    {
        var sb = new StringBuilder();
        sb.Append(root.Text).Append('\n');
        DrawChildren(root, "", sb);
        return sb.ToString();
    }

    private static void DrawChildren(ConflictNode node, string indent, StringBuilder sb)
    {
        for (var i = 0; i < node.Children.Count; i++)
        {
            var last = i == node.Children.Count - 1;
            var child = node.Children[i];
            sb.Append(indent).Append(last ? "└─ " : "├─ ").Append(child.Text).Append('\n');
            DrawChildren(child, indent + (last ? "   " : "│  "), sb);
        }
    }
}

/// <summary>
/// Turns the unsatisfiable core (the clauses the final conflict rests on) into a compact tree in plain words: each
/// request involved, and for each of its candidates — merged per package and reason — why it cannot be installed:
/// it clashes with a pinned or required record, a constraint excludes it, or one of its own requirements has no
/// installable candidate (explained once, further down). Pins name where they came from.
/// </summary>
internal sealed class ConflictExplainer
{
    private const int MaxDepth = 6;

    private readonly Pool _pool;
    private readonly SolveRequest _request;
    private readonly Dictionary<int, string> _pins = [];
    private readonly Dictionary<int, List<int>> _forbids = [];
    private readonly Dictionary<int, List<Clause>> _requires = [];
    private readonly Dictionary<int, List<Clause>> _constrainedBy = [];
    private readonly Dictionary<int, List<Clause>> _constrains = [];
    private readonly Dictionary<int, Clause> _soleProvider = [];
    private readonly HashSet<string> _explainedSpecs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pinOrigins = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _missingVirtual = new(StringComparer.Ordinal);

    private ConflictExplainer(Pool pool, SolveRequest request, List<Clause> core)
    {
        _pool = pool;
        _request = request;
        foreach (var pin in request.HardPins)
        {
            _pins[pool.Find(pin.Record)] = pin.Origin;
        }
        foreach (var clause in core)
        {
            switch (clause.Kind)
            {
                case ClauseKind.ForbidMultiple:
                    Add(_forbids, clause.Solvable, clause.Other);
                    Add(_forbids, clause.Other, clause.Solvable);
                    break;
                case ClauseKind.Requires:
                    Add(_requires, clause.Solvable, clause);
                    if (clause.Candidates.Length == 1)
                    {
                        _soleProvider.TryAdd(clause.Candidates[0], clause);
                    }
                    break;
                case ClauseKind.Request when clause.Candidates.Length == 1:
                    _soleProvider.TryAdd(clause.Candidates[0], clause);
                    break;
                case ClauseKind.Constrains:
                    Add(_constrainedBy, clause.Other, clause);
                    Add(_constrains, clause.Solvable, clause);
                    break;
            }
        }
        Core = core;
    }

    private List<Clause> Core { get; }

    public static ConflictExplanation Explain(Pool pool, SolveRequest request, List<Clause> core) =>
        new ConflictExplainer(pool, request, core).Build();

    private static void Add<T>(Dictionary<int, List<T>> map, int key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }
        if (!list.Contains(value))
        {
            list.Add(value);
        }
    }

    private ConflictExplanation Build()
    {
        var requests = Core.Where(c => c.Kind == ClauseKind.Request).OrderBy(c => c.RequestIndex).ToList();
        var pinClauses = Core.Where(c => c.Kind == ClauseKind.Pin).ToList();
        var root = new Node("The requested packages cannot be installed together:");
        foreach (var request in requests)
        {
            root.Children.Add(ExplainRequirement(request, RequestLabel(request), 0));
        }
        if (requests.Count == 0 && pinClauses.Count > 0)
        {
            // The pins alone clash (e.g. a parent lock that is itself inconsistent).
            foreach (var pin in pinClauses)
            {
                root.Children.Add(new Node($"{Describe(pin.Solvable)} is pinned by {pin.Spec} but cannot be installed"));
            }
        }
        // What to do about a pin is the pinning party's business (a parent layer, a lock file): the caller adds it.
        return new ConflictExplanation(
            root.Freeze(),
            requests.Select(r => r.Spec!).ToList(),
            _pinOrigins.Order(StringComparer.Ordinal).ToList(),
            _missingVirtual.ToList());
    }

    private string RequestLabel(Clause request)
    {
        var origin = _request.Requests[request.RequestIndex].Origin;
        return origin is null ? $"{request.Spec} is requested" : $"{request.Spec} is requested by {origin}";
    }

    /// <summary>One reason a candidate cannot be installed; candidates with equal keys are shown as one line.</summary>
    private sealed record Reason(string Key, string Text, Node? Detail = null, string? MergeSpec = null);

    /// <summary>A requirement node: its candidates grouped by package and by the reason each cannot be installed.</summary>
    private Node ExplainRequirement(Clause clause, string label, int depth)
    {
        if (clause.Candidates.Length == 0)
        {
            return new Node($"{label}, but no package in the channels matches it{Available(clause.Spec!)}");
        }
        if (depth > 0 && !_explainedSpecs.Add(clause.Spec!))
        {
            return new Node($"{label}, which cannot be installed (see above)");
        }
        var node = new Node($"{label}, but none of its candidates can be installed:");
        if (depth >= MaxDepth)
        {
            node.Children.Add(new Node("(further reasons omitted)"));
            return node;
        }
        // Group candidates that fail for the same reason, so 40 builds of one version read as one line.
        var groups = new List<(Reason Reason, List<int> Candidates, SortedSet<string> Specs)>();
        foreach (var candidate in clause.Candidates)
        {
            var reason = WhyNot(candidate, depth + 1);
            var index = groups.FindIndex(g => g.Reason.Key == reason.Key && _pool.NameOf(g.Candidates[0]) == _pool.NameOf(candidate));
            if (index < 0)
            {
                groups.Add((reason, [candidate], new SortedSet<string>(StringComparer.Ordinal)));
                index = groups.Count - 1;
            }
            else
            {
                groups[index].Candidates.Add(candidate);
            }
            if (reason.MergeSpec is not null)
            {
                groups[index].Specs.Add(reason.MergeSpec);
            }
        }
        foreach (var (reason, candidates, specs) in groups)
        {
            var text = reason.Text.Replace("{specs}", string.Join(" or ", specs.Select(Parsing.Printable.Of)), StringComparison.Ordinal);
            var child = new Node($"{DescribeGroup(candidates)} {text}");
            if (reason.Detail is not null)
            {
                child.Children.Add(reason.Detail);
            }
            node.Children.Add(child);
        }
        return node;
    }

    /// <summary>The first reason found in the core why <paramref name="candidate"/> is not installable.</summary>
    private Reason WhyNot(int candidate, int depth)
    {
        if (_forbids.TryGetValue(candidate, out var rivals))
        {
            var pinned = rivals.FirstOrDefault(_pins.ContainsKey, -1);
            if (pinned >= 0)
            {
                _pinOrigins.Add(_pins[pinned]);
                var text = $"conflicts with {Describe(pinned)}, which {_pins[pinned]} pins";
                return new Reason(text, text);
            }
            foreach (var rival in rivals)
            {
                if (_soleProvider.TryGetValue(rival, out var by))
                {
                    var text = $"conflicts with {Describe(rival)}, the only match for {Who(by)}";
                    return new Reason(text, text);
                }
            }
        }
        if (_constrainedBy.TryGetValue(candidate, out var constraints))
        {
            var c = constraints[0];
            var by = Describe(c.Solvable);
            if (_pins.TryGetValue(c.Solvable, out var origin))
            {
                by += $" (pinned by {origin})";
                _pinOrigins.Add(origin);
            }
            var text = $"is excluded because {by} constrains it to '{c.Spec}'";
            return new Reason(text, text);
        }
        if (_constrains.TryGetValue(candidate, out var ownConstraints))
        {
            var c = ownConstraints[0];
            var excluded = _pool.Record(c.Other)!;
            var what = excluded.Name.StartsWith("__", StringComparison.Ordinal) && _request.VirtualPackages.Any(v => v.Name == excluded.Name)
                ? $"the target system's {excluded.Name} is {excluded.Version.Text}"
                : $"{Describe(c.Other)} is needed";
            return new Reason($"constrains:{excluded.Name}:{what}", $"constrains {excluded.Name} to {{specs}}, but {what}", MergeSpec: c.Spec);
        }
        if (_requires.TryGetValue(candidate, out var requirements))
        {
            var failing = requirements.FirstOrDefault(r => r.Candidates.Length == 0) ?? requirements[0];
            var depName = _pool.Spec(failing.Spec!)?.Name ?? failing.Spec!;
            if (failing.Candidates.Length == 0)
            {
                return depName.StartsWith("__", StringComparison.Ordinal)
                    ? new Reason($"virtual:{depName}", $"requires {{specs}}, {VirtualTarget(depName)}", MergeSpec: failing.Spec)
                    : new Reason($"missing:{depName}", $"requires {{specs}}, but no package in the channels matches it{Available(failing.Spec!)}", MergeSpec: failing.Spec);
            }
            // When every candidate of the dependency fails for one simple reason, say it in one line.
            if (UniformReason(failing, depth) is { } uniform)
            {
                return new Reason($"requires:{depName}:{uniform.Key}", $"requires {{specs}}, and every match {uniform.Text}", MergeSpec: failing.Spec);
            }
            return new Reason($"detail:{failing.Spec}", "cannot be installed:", ExplainRequirement(failing, $"it requires {failing.Spec}", depth));
        }
        if (rivals is { Count: > 0 })
        {
            var rival = rivals[0];
            var text = $"conflicts with {Describe(rival)}{NeededBy(rival)}";
            return new Reason(text, text);
        }
        return new Reason("other", "is ruled out by the other requirements");
    }

    /// <summary>The reason shared by all candidates of a requirement when it is a single line, else null.</summary>
    private Reason? UniformReason(Clause requirement, int depth)
    {
        if (depth >= MaxDepth)
        {
            return null;
        }
        Reason? first = null;
        foreach (var c in requirement.Candidates)
        {
            var r = WhyNot(c, depth + 1);
            if (r.Detail is not null || r.MergeSpec is not null || (first is not null && first.Key != r.Key))
            {
                return null;
            }
            first ??= r;
        }
        return first;
    }

    /// <summary>", which 'python >=2.7,<2.8.0a0' (of numpy 1.13.3 py27h...) needs" for a rival that another requirement asks for.</summary>
    private string NeededBy(int rival)
    {
        var by = Core.FirstOrDefault(c => c.Kind is ClauseKind.Requires or ClauseKind.Request && c.Candidates.Contains(rival));
        return by is null ? "" : $", which {Who(by)} needs";
    }

    /// <summary>What the target system provides for a virtual package (a layer's system: block, or --virtual).</summary>
    private string VirtualTarget(string name)
    {
        var present = _request.VirtualPackages.FirstOrDefault(v => v.Name == name);
        if (present is null)
        {
            _missingVirtual.Add(name);
            return $"but the target system has no {name}";
        }
        return $"but the target system's {name} is {present.Version.Text}";
    }

    private string Who(Clause by) => by.Kind == ClauseKind.Request
        ? $"the request '{by.Spec}'"
        : $"'{by.Spec}' (required by {Describe(by.Solvable)})";

    private string Available(string spec)
    {
        var parsed = _pool.Spec(spec);
        var nameId = parsed is null ? -1 : _pool.NameId(parsed.Name);
        if (nameId < 0)
        {
            return parsed is null ? "" : $" (no package named '{parsed.Name}' at all)";
        }
        var versions = _pool.Candidates(nameId).Select(c => _pool.Record(c)!.Version).Distinct().OrderDescending().Take(6).Select(v => v.Text).ToList();
        return $" (available: {string.Join(", ", versions)}{(versions.Count == 6 ? ", ..." : "")})";
    }

    private string Describe(int solvable)
    {
        var r = _pool.Record(solvable);
        return r is null ? "the request" : $"{r.Name} {r.Version.Text} {r.Build}";
    }

    /// <summary>"numpy 1.15.0 (3 builds)", "python 3.7.0 | 3.7.1".</summary>
    private string DescribeGroup(List<int> candidates)
    {
        if (candidates.Count == 1)
        {
            return Describe(candidates[0]);
        }
        var records = candidates.Select(c => _pool.Record(c)!).ToList();
        var versions = records.Select(r => r.Version.Text).Distinct().ToList();
        var builds = records.Count > versions.Count ? $" ({records.Count} builds)" : "";
        var shown = versions.Count > 5 ? string.Join(" | ", versions.Take(5)) + $" | ... ({versions.Count} versions)" : string.Join(" | ", versions);
        return $"{records[0].Name} {shown}{builds}";
    }

    /// <summary>The tree while it is built; frozen into <see cref="ConflictNode"/>s at the end.</summary>
    private sealed class Node(string text)
    {
        public string Text { get; } = text;
        public List<Node> Children { get; } = [];

        public ConflictNode Freeze() => new(Text, Children.Select(c => c.Freeze()).ToList());
    }
}
