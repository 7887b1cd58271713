using Beacon.Layers.Documents;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Editing;

/// <summary>
/// Edits of a layer file that keep everything else of it byte-for-byte (comments, order, quoting): the value's span
/// is found through the YAML parser's positions and replaced, never matched with a regular expression.
/// </summary>
public static class LayerFileEdits
{
    /// <summary>The layer file with <c>stage:</c> set (added at the end when the file has none).</summary>
    public static string WithStage(string text, Stage stage)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        if (yaml.Documents.Count != 1 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidOperationException("a layer file is one YAML mapping");
        }
        var value = stage.ToText();
        foreach (var (key, node) in root.Children)
        {
            if (key is YamlScalarNode { Value: "stage" })
            {
                var start = (int)node.Start.Index;
                var end = (int)node.End.Index;
                return text[..start] + value + text[end..];
            }
        }
        return text.TrimEnd('\n') + $"\nstage: {value}\n";
    }
}
