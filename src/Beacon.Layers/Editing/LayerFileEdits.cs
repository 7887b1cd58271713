using System.Text;
using System.Text.RegularExpressions;
using Beacon.Conda.Specs;
using Beacon.Layers.Documents;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Editing;

/// <summary>
/// Edits of a layer file that keep everything else of it byte-for-byte (comments, order, quoting): the value's span
/// is found through the YAML parser's positions and replaced, never matched with a regular expression.
/// </summary>
public static partial class LayerFileEdits
{
    /// <summary>The layer file with <c>stage:</c> set (added at the end when the file has none).</summary>
    public static string WithStage(string text, Stage stage)
    {
        var root = Root(text);
        var value = stage.ToText();
        foreach (var (key, node) in root.Children)
        {
            if (key is YamlScalarNode { Value: "stage" })
            {
                return text[..(int)node.Start.Index] + value + text[(int)node.End.Index..];
            }
        }
        return text.TrimEnd('\n') + $"\nstage: {value}\n";
    }

    /// <summary>
    /// The layer file with <paramref name="add"/> in <c>dependencies:</c> (a spec for a package already listed takes
    /// that entry's place; others go after the last conda entry, before a <c>pip:</c> entry) and the entries for the
    /// packages in <paramref name="remove"/> gone, each with its whole line (a comment on it goes too). Block and flow
    /// lists keep their style; a file without <c>dependencies:</c> gets one at the end.
    /// </summary>
    public static string WithDependencies(string text, IReadOnlyList<MatchSpec> add, IReadOnlyCollection<string> remove)
    {
        var root = Root(text);
        var entry = root.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode { Value: "dependencies" });
        if (entry.Key is null || entry.Value is YamlScalarNode { Value: null or "" })
        {
            if (add.Count == 0)
            {
                return text;
            }
            if (entry.Key is null)
            {
                return text.TrimEnd('\n') + "\ndependencies:\n" + string.Concat(add.Select(s => $"  - {Scalar(s, flow: false)}\n"));
            }
            var colon = text.IndexOf(':', (int)entry.Key.End.Index);
            return text[..(colon + 1)] + " [" + string.Join(", ", add.Select(s => Scalar(s, flow: true))) + "]" + text[(colon + 1)..];
        }
        if (entry.Value is not YamlSequenceNode list)
        {
            throw new InvalidOperationException("dependencies is a list");
        }
        var placed = new Dictionary<string, MatchSpec>(StringComparer.Ordinal);
        var pending = add.ToDictionary(s => s.Name, StringComparer.Ordinal);
        string? Replacement(YamlNode item)
        {
            if (item is not YamlScalarNode { Value: { } value } || !MatchSpec.TryParse(value).Success)
            {
                return null; // the pip: entry, or what the reader reports
            }
            var name = MatchSpec.Parse(value).Name;
            if (pending.Remove(name, out var spec))
            {
                placed[name] = spec;
                return Scalar(spec, list.Style == SequenceStyle.Flow);
            }
            return remove.Contains(name) ? "" : null;
        }

        if (list.Style == SequenceStyle.Flow)
        {
            var items = new List<string>();
            foreach (var item in list.Children)
            {
                var replaced = Replacement(item);
                if (replaced is not "")
                {
                    items.Add(replaced ?? text[(int)item.Start.Index..(int)item.End.Index]);
                }
            }
            var conda = items.Count - list.Children.Count(i => i is YamlMappingNode);
            items.InsertRange(Math.Max(conda, 0), pending.Values.Select(s => Scalar(s, flow: true)));
            // The parser's end mark of a flow sequence is not past its ']': find that after the last item.
            var close = text.IndexOf(']', list.Children.Count > 0 ? (int)list.Children[^1].End.Index : (int)list.Start.Index + 1);
            return text[..(int)list.Start.Index] + "[" + string.Join(", ", items) + "]" + text[(close + 1)..];
        }

        // Block list: edits applied from the end so that earlier positions stay valid.
        var edits = new List<(int Start, int End, string Text)>();
        var kept = 0;
        var lastCondaLineEnd = -1;
        foreach (var item in list.Children)
        {
            var (lineStart, lineEnd) = Line(text, item);
            var replaced = Replacement(item);
            if (replaced == "")
            {
                edits.Add((lineStart, lineEnd, ""));
                continue;
            }
            kept++;
            if (replaced is not null)
            {
                edits.Add(((int)item.Start.Index, (int)item.End.Index, replaced));
            }
            if (item is YamlScalarNode)
            {
                lastCondaLineEnd = lineEnd;
            }
        }
        var first = list.Children.First();
        var firstLine = Line(text, first).Start;
        var indent = text[firstLine..(int)first.Start.Index].TrimEnd().TrimEnd('-');
        if (pending.Count > 0)
        {
            var at = lastCondaLineEnd >= 0 ? lastCondaLineEnd : firstLine;
            var lines = string.Concat(pending.Values.Select(s => $"{indent}- {Scalar(s, flow: false)}\n"));
            edits.Add((at, at, at > 0 && text[at - 1] != '\n' ? "\n" + lines : lines));
            kept += pending.Count;
        }
        if (kept == 0)
        {
            var colon = text.IndexOf(':', (int)entry.Key.End.Index);
            edits.Add((colon + 1, colon + 1, " []"));
        }
        var result = new StringBuilder(text);
        foreach (var (start, end, replacement) in edits.OrderByDescending(e => e.Start).ThenByDescending(e => e.End))
        {
            result.Remove(start, end - start).Insert(start, replacement);
        }
        return result.ToString();
    }

    /// <summary>The names a layer file's <c>dependencies:</c> lists (conda entries only).</summary>
    public static IReadOnlyList<string> DependencyNames(string text)
    {
        var entry = Root(text).Children.FirstOrDefault(kv => kv.Key is YamlScalarNode { Value: "dependencies" });
        return entry.Value is YamlSequenceNode list
            ? list.Children.OfType<YamlScalarNode>().Where(s => s.Value is { } v && MatchSpec.TryParse(v).Success).Select(s => MatchSpec.Parse(s.Value!).Name).ToList()
            : [];
    }

    private static YamlMappingNode Root(string text)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        return yaml.Documents.Count == 1 && yaml.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new InvalidOperationException("a layer file is one YAML mapping");
    }

    /// <summary>The item's whole line (or lines): from the line's start to after the newline ending its last line.</summary>
    private static (int Start, int End) Line(string text, YamlNode item)
    {
        var start = text.LastIndexOf('\n', Math.Max((int)item.Start.Index - 1, 0)) + 1;
        var end = text.IndexOf('\n', Math.Max((int)item.End.Index - 1, (int)item.Start.Index));
        return (start, end < 0 ? text.Length : end + 1);
    }

    /// <summary>A spec as a YAML scalar: plain when it holds only characters plain YAML keeps literal, else double-quoted.</summary>
    public static string Scalar(MatchSpec spec, bool flow = false)
    {
        var text = spec.ToString();
        return PlainSafe().IsMatch(text) && !(flow && text.Contains(',', StringComparison.Ordinal))
            ? text
            : "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.+*=<>!,|-]*( [A-Za-z0-9_.+*=<>!,|-]+)*$")]
    private static partial Regex PlainSafe();
}
