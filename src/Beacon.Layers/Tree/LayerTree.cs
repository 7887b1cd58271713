using Beacon.Layers.Documents;

namespace Beacon.Layers.Tree;

/// <summary>
/// The validated layer tree: one root, every parent present, no cycles. Every listing is in a stable order
/// (children by name, traversal pre-order), so anything derived from it is deterministic.
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
        LayerDocument? root = null;
        foreach (var layer in _byName.Values)
        {
            if (layer.Parent is { } p)
            {
                _children[p.Value].Add(layer.Name);
            }
            else
            {
                root = layer;
            }
        }
        foreach (var list in _children.Values)
        {
            list.Sort(StringComparer.Ordinal);
        }
        Root = root ?? throw new InvalidOperationException("a layer tree needs a root");
        var stack = new Stack<(string Name, int Depth)>();
        stack.Push((Root.Name, 0));
        while (stack.Count > 0)
        {
            var (name, depth) = stack.Pop();
            _order.Add(name);
            _depth[name] = depth;
            var children = _children[name];
            for (var i = children.Count - 1; i >= 0; i--)
            {
                stack.Push((children[i], depth + 1));
            }
        }
    }

    /// <summary>Builds a tree from layers already checked by <see cref="Validation.TreeValidator"/>.</summary>
    internal static LayerTree FromValidated(IEnumerable<LayerDocument> layers) => new(layers);

    public LayerDocument Root { get; }
    public int Count => _byName.Count;

    /// <summary>Every layer, parents before children, siblings by name (depth-first pre-order).</summary>
    public IReadOnlyList<LayerDocument> TopologicalOrder => _order.Select(n => _byName[n]).ToList();

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

    /// <summary>The platform (conda subdir) of the tree: the root's.</summary>
    public string Platform => Root.Platform?.Value ?? "linux-64";

    /// <summary>Where every image of the tree keeps its environment: the root's prefix (children install into it).</summary>
    public string Prefix => Root.Prefix?.Value ?? LayerDocument.DefaultPrefix;
}
