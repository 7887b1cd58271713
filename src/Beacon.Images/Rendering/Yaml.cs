using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Beacon.Images.Rendering;

/// <summary>
/// An ordered YAML mapping under construction. Insertion order is kept, so the same plan always prints the same
/// bytes; <c>null</c> values are left out.
/// </summary>
public sealed class Map : List<KeyValuePair<string, object?>>
{
    public Map Add(string key, object? value)
    {
        if (value is not null)
        {
            Add(new KeyValuePair<string, object?>(key, value));
        }
        return this;
    }

    /// <summary>Fills the map in place (for entries built in a loop) and returns it.</summary>
    public Map Also(Action<Map> fill)
    {
        fill(this);
        return this;
    }
}

/// <summary>Converts the plain object model (Map, lists, strings, numbers, booleans) to YamlDotNet nodes and text.</summary>
public static class Yaml
{
    public static YamlNode ToNode(object? value) => value switch
    {
        null => new YamlScalarNode("null") { Style = ScalarStyle.Plain },
        Map map => ToMapping(map),
        string s => Scalar(s),
        bool b => new YamlScalarNode(b ? "true" : "false") { Style = ScalarStyle.Plain },
        int i => new YamlScalarNode(i.ToString(CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
        long l => new YamlScalarNode(l.ToString(CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
        double d => new YamlScalarNode(d.ToString("0.###", CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
        System.Collections.IEnumerable list => new YamlSequenceNode(list.Cast<object?>().Select(ToNode)),
        _ => throw new ArgumentException($"cannot render {value.GetType().Name} as YAML"),
    };

    private static YamlMappingNode ToMapping(Map map)
    {
        var node = new YamlMappingNode();
        foreach (var (k, v) in map)
        {
            node.Add(new YamlScalarNode(k), ToNode(v));
        }
        return node;
    }

    /// <summary>Strings are quoted whenever YAML could read them as something else (numbers, booleans, null).</summary>
    private static YamlScalarNode Scalar(string s)
    {
        var plainSafe = s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '$' or '{' or '}' or '@')
            && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            && s is not ("true" or "false" or "null" or "yes" or "no" or "on" or "off" or "~")
            && !s.StartsWith('{') && !s.StartsWith('@') && !s.EndsWith(':');
        return new YamlScalarNode(s) { Style = plainSafe ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted };
    }

    public static string Write(object root)
    {
        var stream = new YamlStream(new YamlDocument(ToNode(root)));
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream ends documents with "...": a single-document file does not need it.
        if (text.EndsWith("...\n", StringComparison.Ordinal))
        {
            text = text[..^4];
        }
        return text;
    }
}
