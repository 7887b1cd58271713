using System.Text;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;
using Beacon.Layers.Tree;

namespace Beacon.Layers.Rendering;

/// <summary>Draws the layer tree as text, as a Mermaid flowchart (READMEs, pull requests) or as JSON.</summary>
public static class GraphRenderer
{
    /// <summary>Optional per-layer extra text (package counts, routed workloads) supplied by later stages.</summary>
    public delegate string? Annotate(LayerDocument layer);

    public static string Text(Workspace workspace, Annotate? annotate = null)
    {
        var tree = workspace.Tree;
        var sb = new StringBuilder();
        // Each root and its subtree; with roots on several platforms, each root says its platform.
        var platforms = tree.Platforms.Count > 1;
        foreach (var root in tree.Roots)
        {
            sb.Append(root.Name).Append("  ").Append(Facts(root, annotate, platforms ? tree.PlatformOf(root.Name) : null)).Append('\n');
            AppendChildren(tree, root.Name, "", sb, annotate);
        }
        return sb.ToString();
    }

    private static void AppendChildren(LayerTree tree, string name, string indent, StringBuilder sb, Annotate? annotate)
    {
        var children = tree.Children(name);
        for (var i = 0; i < children.Count; i++)
        {
            var last = i == children.Count - 1;
            var child = children[i];
            sb.Append(indent).Append(last ? "└── " : "├── ").Append(child.Name).Append("  ").Append(Facts(child, annotate)).Append('\n');
            AppendChildren(tree, child.Name, indent + (last ? "    " : "│   "), sb, annotate);
        }
    }

    private static string Facts(LayerDocument layer, Annotate? annotate, string? platform = null)
    {
        var parts = new List<string> { layer.Stage.ToText() };
        if (platform is not null)
        {
            parts.Add(platform);
        }
        if (layer.Hardware is { } h)
        {
            parts.Add("hardware " + h.Value);
        }
        parts.AddRange(layer.System.Select(kv => $"{kv.Key} {kv.Value}"));
        if (layer.Pip.Count > 0)
        {
            parts.Add("pip " + string.Join(", ", layer.Pip));
        }
        if (annotate?.Invoke(layer) is { Length: > 0 } extra)
        {
            parts.Add(extra);
        }
        return "(" + string.Join(" · ", parts) + ")";
    }

    public static string Mermaid(Workspace workspace, Annotate? annotate = null)
    {
        var tree = workspace.Tree;
        var sb = new StringBuilder("graph TD\n");
        foreach (var layer in tree.TopologicalOrder)
        {
            var label = new List<string> { $"<b>{layer.Name}</b>", layer.Stage.ToText() };
            if (layer.IsRoot && tree.Platforms.Count > 1)
            {
                label.Add(tree.PlatformOf(layer.Name));
            }
            if (layer.Hardware is { } h)
            {
                label.Add("hardware: " + h.Value);
            }
            if (annotate?.Invoke(layer) is { Length: > 0 } extra)
            {
                label.Add(extra.Replace("\"", "'", StringComparison.Ordinal));
            }
            sb.Append("  ").Append(Id(layer.Name)).Append("[\"").Append(string.Join("<br/>", label)).Append("\"]\n");
        }
        foreach (var layer in tree.TopologicalOrder.Where(l => !l.IsRoot))
        {
            sb.Append("  ").Append(Id(layer.Parent!.Value.Value)).Append(" --> ").Append(Id(layer.Name)).Append('\n');
        }
        var experimental = tree.TopologicalOrder.Where(l => l.Stage == Stage.Experimental).Select(l => Id(l.Name)).ToList();
        if (experimental.Count > 0)
        {
            sb.Append("  classDef experimental stroke-dasharray: 5 5\n");
            sb.Append("  class ").Append(string.Join(",", experimental)).Append(" experimental\n");
        }
        return sb.ToString();
    }

    /// <summary>Layer names are DNS labels; Mermaid ids must not contain '-' (it reads as an edge).</summary>
    private static string Id(string name) => name.Replace('-', '_');

    public static string Json(Workspace workspace)
    {
        var tree = workspace.Tree;
        var layers = tree.TopologicalOrder.Select(l => new GraphLayerJson(l.Name, l.Parent?.Value, tree.Depth(l.Name), l.Stage.ToText(),
            l.Hardware?.Value, l.System, tree.Children(l.Name).Select(c => c.Name).ToList(), l.Dependencies.Select(d => d.Text).ToList(), l.Pip)).ToList();
        return JsonOptions.Write(new GraphJson(layers), LayersJson.Styled.GraphJson);
    }
}
