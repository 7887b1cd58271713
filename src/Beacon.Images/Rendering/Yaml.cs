using System.Globalization;
using System.Text;
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
            node.Add(Scalar(k), ToNode(v, escape));
        }
        return node;
    }

    /// <summary>
    /// The document as text; <paramref name="escape"/> is the output format's escaping of strings (see
    /// <see cref="Escape"/>). Written directly, in the layout YamlDotNet's emitter gives <see cref="ToNode"/>'s nodes
    /// (block mappings indented by two, sequences under a key not indented, empty collections as <c>[]</c>/<c>{}</c>,
    /// strings plain or double-quoted with YAML's escapes), without a node tree or an event per scalar: at 1,000
    /// workloads the representation model was a third of the Pulumi compiler's time. A test holds the text
    /// byte-identical to YamlDotNet's over awkward and random strings, and reads it back.
    /// </summary>
    public static string Write(object root, Func<string, string>? escape = null)
    {
        var text = new StringBuilder(4096);
        new YamlWriter(text, escape).Document(root);
        return text.ToString();
    }

    /// <summary>Whether a string may be written plain: nothing YAML would read as another type or as syntax.</summary>
    internal static bool IsPlainSafe(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '$' or '{' or '}' or '@')
        && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        && s is not ("true" or "false" or "null" or "yes" or "no" or "on" or "off" or "~")
        && !s.StartsWith('{') && !s.StartsWith('}') && !s.StartsWith('@') && !s.EndsWith(':')
        // YAML's own indicators: a lone "-" and the document markers are never plain.
        && s != "-" && !s.StartsWith("---", StringComparison.Ordinal) && !s.StartsWith("...", StringComparison.Ordinal);

    /// <summary>Strings are quoted whenever YAML could read them as something else (numbers, booleans, null).</summary>
    private static YamlScalarNode Scalar(string s) => new(s) { Style = IsPlainSafe(s) ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted };

    private sealed class YamlWriter(StringBuilder text, Func<string, string>? escape)
    {
        public void Document(object root)
        {
            switch (root)
            {
                case Map { Count: > 0 } map:
                    Mapping(map, 0, inline: true);
                    break;
                case System.Collections.IEnumerable list and not string when list.Cast<object?>().Any():
                    Sequence(list, 0, inline: true);
                    break;
                default:
                    Inline(root);
                    break;
            }
            text.Append('\n');
        }

        private void Mapping(Map map, int indent, bool inline)
        {
            foreach (var (key, value) in map)
            {
                if (!inline)
                {
                    Line(indent);
                }
                inline = false;
                if (!IsSimpleKey(key))
                {
                    // YAML's explicit key ("? key" then ": value" on the next line), as the emitter writes a key
                    // with a line break in it or one longer than a simple key may be; what follows ": " stays on its line.
                    text.Append("? ");
                    Text(key);
                    Line(indent);
                    text.Append(": ");
                    switch (value)
                    {
                        case Map { Count: > 0 } nested:
                            Mapping(nested, indent + 2, inline: true);
                            break;
                        case System.Collections.IEnumerable list and not string when list.Cast<object?>().Any():
                            Sequence(list, indent + 2, inline: true);
                            break;
                        default:
                            Inline(value);
                            break;
                    }
                    continue;
                }
                Text(key);
                text.Append(':');
                switch (value)
                {
                    case Map { Count: > 0 } nested:
                        Mapping(nested, indent + 2, inline: false);
                        break;
                    case System.Collections.IEnumerable list and not string when list.Cast<object?>().Any():
                        // A sequence under a key is not indented (YamlDotNet's and most writers' layout).
                        Sequence(list, indent, inline: false);
                        break;
                    default:
                        text.Append(' ');
                        Inline(value);
                        break;
                }
            }
        }

        private void Sequence(System.Collections.IEnumerable list, int indent, bool inline)
        {
            foreach (var item in list)
            {
                if (!inline)
                {
                    Line(indent);
                }
                inline = false;
                text.Append("- ");
                switch (item)
                {
                    case Map { Count: > 0 } map:
                        Mapping(map, indent + 2, inline: true);
                        break;
                    case System.Collections.IEnumerable nested and not string when nested.Cast<object?>().Any():
                        Sequence(nested, indent + 2, inline: true);
                        break;
                    default:
                        Inline(item);
                        break;
                }
            }
        }

        private void Line(int indent) => text.Append('\n').Append(' ', indent);

        /// <summary>A scalar or an empty collection, on the current line.</summary>
        private void Inline(object? value)
        {
            switch (value)
            {
                case null:
                    text.Append("null");
                    break;
                case Map:
                    text.Append("{}");
                    break;
                case Raw raw:
                    Text(raw.Text);
                    break;
                case string s:
                    Text(escape is null ? s : escape(s));
                    break;
                case bool b:
                    text.Append(b ? "true" : "false");
                    break;
                case int i:
                    text.Append(i.ToString(CultureInfo.InvariantCulture));
                    break;
                case long l:
                    text.Append(l.ToString(CultureInfo.InvariantCulture));
                    break;
                case double d:
                    text.Append(d.ToString("0.###", CultureInfo.InvariantCulture));
                    break;
                case System.Collections.IEnumerable:
                    text.Append("[]");
                    break;
                default:
                    throw new ArgumentException($"cannot render {value.GetType().Name} as YAML");
            }
        }

        private void Text(string s)
        {
            if (IsPlainSafe(s))
            {
                text.Append(s);
                return;
            }
            text.Append('"');
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                if (IsPrintable(c) && c is not ('\n' or '\r' or '\u0085' or '\u2028' or '\u2029' or '"' or '\\'))
                {
                    text.Append(c);
                    continue;
                }
                text.Append('\\');
                switch (c)
                {
                    case '\0': text.Append('0'); break;
                    case '\a': text.Append('a'); break;
                    case '\b': text.Append('b'); break;
                    case '\t': text.Append('t'); break;
                    case '\n': text.Append('n'); break;
                    case '\v': text.Append('v'); break;
                    case '\f': text.Append('f'); break;
                    case '\r': text.Append('r'); break;
                    case '\u001B': text.Append('e'); break;
                    case '"': text.Append('"'); break;
                    case '\\': text.Append('\\'); break;
                    case '\u0085': text.Append('N'); break;
                    case '\u2028': text.Append('L'); break;
                    case '\u2029': text.Append('P'); break;
                    default:
                        if (c <= 0xFF)
                        {
                            text.Append('x').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                        }
                        else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                        {
                            text.Append('U').Append(char.ConvertToUtf32(c, s[i + 1]).ToString("X8", CultureInfo.InvariantCulture));
                            i++;
                        }
                        else
                        {
                            // A lone surrogate cannot come from UTF-8 input; written as its code, never dropped.
                            text.Append('u').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                        }
                        break;
                }
            }
            text.Append('"');
        }

        /// <summary>YAML limits an implicit key to one line and 1,024 characters.</summary>
        private static bool IsSimpleKey(string key) =>
            key.Length <= 1024 && key.IndexOfAny(['\n', '\r', '\u0085', '\u2028', '\u2029']) < 0;

        private static bool IsPrintable(char c) =>
            c is '\t' or '\n' or '\r' or '\u0085' || c is >= ' ' and <= '~' || c is >= '\u00A0' and <= '\uD7FF' || c is >= '\uE000' and <= '\uFFFD';
    }
}
