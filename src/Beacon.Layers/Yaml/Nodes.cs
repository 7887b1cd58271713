using Beacon.Layers.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Yaml;

/// <summary>Small helpers over YamlDotNet's representation model.</summary>
public static class Nodes
{
    public static SourceLocation At(string file, YamlNode node) =>
        new(file, (int)Math.Max(1, node.Start.Line), (int)Math.Max(1, node.Start.Column));

    /// <summary>A plain <c>null</c>, <c>~</c> or empty scalar: YAML's way of saying "no value".</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "nothing (null)",
        YamlScalarNode s when s.Style is ScalarStyle.Plain && (s.Value is "true" or "false") => "a boolean",
        YamlScalarNode s when s.Style is ScalarStyle.Plain && double.TryParse(s.Value, System.Globalization.CultureInfo.InvariantCulture, out _) => "a number",
        _ => "text",
    };
}
