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

/// <summary>
/// Text the writer puts into the file as it is: an interpolation the renderer made itself (a Pulumi
/// <c>${resource.output}</c>), as opposed to a string, which may carry a user's value and is escaped for the format.
/// </summary>
public sealed record Raw(string Text)
{
    public override string ToString() => Text;
}

/// <summary>
/// The escaping each output format needs for a user's value, so that the value arrives as written: Pulumi YAML
/// interpolates <c>${...}</c> and reads <c>$$</c> as a literal <c>$</c> (pulumi-yaml's parseInterpolate; unescaped, a
/// workload's <c>env: {X: "${registryPassword}"}</c> would hand the registry secret to the container), Compose
/// substitutes <c>$VAR</c> and <c>${VAR}</c> from the deploying shell and also reads <c>$$</c> as <c>$</c>, and
/// Kubernetes expands <c>$(VAR)</c> in a container's command, arguments and environment values and reduces every
/// <c>$$</c> to <c>$</c> there (k8s.io/kubernetes third_party/forked/golang/expansion: <c>$$</c> is an escaped
/// operator, <c>$(NAME)</c> a reference, any other <c>$x</c> itself) — so <c>$$HOME</c> escaped only at <c>$(</c>
/// would reach the container as <c>$HOME</c>. Doubling every <c>$</c> is exact for all three readers.
/// </summary>
public static class Escape
{
    public static string Pulumi(string text) => text.Replace("$", "$$", StringComparison.Ordinal);
    public static string Compose(string text) => text.Replace("$", "$$", StringComparison.Ordinal);
    public static string Kubernetes(string text) => text.Replace("$", "$$", StringComparison.Ordinal);
}

/// <summary>
/// Converts the plain object model (Map, lists, strings, numbers, booleans, <see cref="Raw"/>) to YamlDotNet nodes and
/// text; every string goes through the format's escaping, a <see cref="Raw"/> does not.
/// </summary>
public static class Yaml
{
    public static YamlNode ToNode(object? value, Func<string, string>? escape = null) => value switch
    {
        null => new YamlScalarNode("null") { Style = ScalarStyle.Plain },
        Map map => ToMapping(map, escape),
        Raw raw => Scalar(raw.Text),
        string s => Scalar(escape is null ? s : escape(s)),
        bool b => new YamlScalarNode(b ? "true" : "false") { Style = ScalarStyle.Plain },
        int i => new YamlScalarNode(i.ToString(CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
        long l => new YamlScalarNode(l.ToString(CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
        double d => new YamlScalarNode(d.ToString("0.###", CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
        System.Collections.IEnumerable list => new YamlSequenceNode(list.Cast<object?>().Select(v => ToNode(v, escape))),
        _ => throw new ArgumentException($"cannot render {value.GetType().Name} as YAML"),
    };

    private static YamlMappingNode ToMapping(Map map, Func<string, string>? escape)
    {
        var node = new YamlMappingNode();
        foreach (var (k, v) in map)
        {
            node.Add(new YamlScalarNode(k), ToNode(v, escape));
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

    /// <summary>The document as text; <paramref name="escape"/> is the output format's escaping of strings (see <see cref="Escape"/>).</summary>
    public static string Write(object root, Func<string, string>? escape = null)
    {
        var stream = new YamlStream(new YamlDocument(ToNode(root, escape)));
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
