using Beacon.Layers.Documents;

namespace Beacon.Layers.Tree;

/// <summary>
/// The validated layers: one or more roots (an organisation may keep one per OS base or platform, e.g. <c>core</c> on
/// linux-64 and <c>core-arm</c> on linux-aarch64), every parent present, no cycles. A layer's platform, base image and
/// prefix are its root's. Every listing is in a stable order (roots and children by name, traversal pre-order), so
/// anything derived from it is deterministic.
/// </summary>
public sealed class LayerTree
{
    private readonly Dictionary<string, LayerDocument> _byName;
    private readonly Dictionary<string, List<string>> _children;
    private readonly Dictionary<string, int> _depth = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    private LayerTree(IEnumerable<LayerDocument> layers)
    {
        _byName = layers.ToDictionary(l => l.Name, StringComparer.Ordinal);
        _children = _byName.Keys.ToDictionary(n => n, _ => new List<string>(), StringComparer.Ordinal);
        var roots = new List<LayerDocument>();
        foreach (var layer in _byName.Values)
        {
            if (layer.Parent is { } p)
            {
                _children[p.Value].Add(layer.Name);
            }
            else
            {
                roots.Add(layer);
            }
        }
        foreach (var list in _children.Values)
        {
            list.Sort(StringComparer.Ordinal);
        }
        Roots = roots.Count > 0 ? [.. roots.OrderBy(r => r.Name, StringComparer.Ordinal)] : throw new InvalidOperationException("a layer tree needs a root");
        foreach (var root in Roots)
        {
            var stack = new Stack<(string Name, int Depth)>();
            stack.Push((root.Name, 0));
            while (stack.Count > 0)
            {
                var (name, depth) = stack.Pop();
                _order.Add(name);
                _depth[name] = depth;
                _root[name] = root;
                var children = _children[name];
                for (var i = children.Count - 1; i >= 0; i--)
                {
                    stack.Push((children[i], depth + 1));
                }
            }
        }
    }

    private readonly Dictionary<string, LayerDocument> _root = new(StringComparer.Ordinal);

    /// <summary>Builds a tree from layers already checked by <see cref="Validation.TreeValidator"/>.</summary>
    internal static LayerTree FromValidated(IEnumerable<LayerDocument> layers) => new(layers);

    /// <summary>The layers without a parent, by name.</summary>
    public IReadOnlyList<LayerDocument> Roots { get; }

    public int Count => _byName.Count;

    /// <summary>
    /// Every layer, parents before children, siblings by name (depth-first pre-order). Built once: the tree never
    /// changes, and callers ask for it inside loops over layers and workloads (a new list per call made check
    /// quadratic in the number of layers — issue 21's 500-layer profile: 26% of `check`).
    /// </summary>
    public IReadOnlyList<LayerDocument> TopologicalOrder => _ordered ??= _order.Select(n => _byName[n]).ToList().AsReadOnly();

    private IReadOnlyList<LayerDocument>? _ordered;

    public bool Contains(string name) => _byName.ContainsKey(name);
    public LayerDocument this[string name] => _byName[name];
    public bool TryGet(string name, out LayerDocument layer) => _byName.TryGetValue(name, out layer!);

    public LayerDocument? Parent(string name) => _byName[name].Parent is { } p ? _byName[p.Value] : null;

    public IReadOnlyList<LayerDocument> Children(string name) => _children[name].Select(n => _byName[n]).ToList();

    /// <summary>Parent first, root last.</summary>
    public IReadOnlyList<LayerDocument> Ancestors(string name)
    {
        var result = new List<LayerDocument>();
        for (var p = Parent(name); p is not null; p = Parent(p.Name))
        {
            result.Add(p);
        }
        return result;
    }

    /// <summary>All layers below <paramref name="name"/>, in pre-order.</summary>
    public IReadOnlyList<LayerDocument> Descendants(string name)
    {
        var result = new List<LayerDocument>();
        var stack = new Stack<string>(_children[name].AsEnumerable().Reverse());
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            result.Add(_byName[n]);
            foreach (var c in _children[n].AsEnumerable().Reverse())
            {
                stack.Push(c);
            }
        }
        return result;
    }

    /// <summary>0 for the root.</summary>
    public int Depth(string name) => _depth[name];

    /// <summary>The channels a layer solves against: its own, else its nearest ancestor's.</summary>
    public IReadOnlyList<string> EffectiveChannels(string name)
    {
        for (LayerDocument? l = _byName[name]; l is not null; l = Parent(l.Name))
        {
            if (l.Channels is { } channels)
            {
                return channels;
            }
        }
        return [];
    }

    /// <summary>The root a layer is built on (itself for a root).</summary>
    public LayerDocument RootOf(string name) => _root[name];

    /// <summary>A layer's platform (conda subdir): its root's.</summary>
    public string PlatformOf(string name) => _root[name].Platform?.Value ?? DefaultSubdir;

    /// <summary>Where a layer's image keeps its environment: its root's prefix (children install into it).</summary>
    public string PrefixOf(string name) => _root[name].Prefix?.Value ?? LayerDocument.DefaultPrefix;

    /// <summary>Every platform a root targets, in order.</summary>
    public IReadOnlyList<string> Platforms => Roots.Select(r => PlatformOf(r.Name)).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The platform of a workload that names none: linux-64 when a root targets it (where the organisation's
    /// workloads ran before it had other roots), else the first root's.
    /// </summary>
    public string DefaultPlatform => Platforms.Contains(DefaultSubdir) ? DefaultSubdir : PlatformOf(Roots[0].Name);

    private const string DefaultSubdir = Conda.Specs.Subdirs.Linux64;
}
