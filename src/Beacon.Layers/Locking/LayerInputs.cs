using System.Security.Cryptography;
using System.Text;
using Beacon.Layers.Tree;

namespace Beacon.Layers.Locking;

/// <summary>
/// What a layer's lock depends on, as one canonical text and its SHA-256: the layer and parent names, the platform,
/// the effective channels and virtual-package targets, and the dependency specs (sorted, in canonical form). Editing
/// a description or the owners does not make a lock stale; editing a dependency does.
/// </summary>
public static class LayerInputs
{
    public static string CanonicalText(LayerTree tree, string layerName)
    {
        var layer = tree[layerName];
        var sb = new StringBuilder();
        sb.Append("beacon-layer-inputs: 1\n");
        sb.Append("layer: ").Append(layer.Name).Append('\n');
        sb.Append("parent: ").Append(layer.Parent?.Value ?? "").Append('\n');
        sb.Append("platform: ").Append(tree.PlatformOf(layerName)).Append('\n');
        sb.Append("channels: ").Append(string.Join(",", tree.EffectiveChannels(layerName))).Append('\n');
        foreach (var (k, v) in EffectiveSystem(tree, layerName))
        {
            sb.Append("system: ").Append(k).Append('=').Append(v).Append('\n');
        }
        foreach (var spec in layer.Dependencies.Select(d => d.Spec.ToString()).Order(StringComparer.Ordinal))
        {
            sb.Append("depends: ").Append(spec).Append('\n');
        }
        return sb.ToString();
    }

    public static string Sha256(LayerTree tree, string layerName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText(tree, layerName))));

    /// <summary>The virtual-package targets of a layer: its ancestors' <c>system:</c> blocks, overridden by its own.</summary>
    public static SortedDictionary<string, string> EffectiveSystem(LayerTree tree, string layerName)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var layer in tree.Ancestors(layerName).Reverse().Append(tree[layerName]))
        {
            foreach (var (k, v) in layer.System)
            {
                result[k] = v;
            }
        }
        return result;
    }
}
