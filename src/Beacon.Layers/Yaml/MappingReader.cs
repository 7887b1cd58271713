using System.Globalization;
using Beacon.Layers.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Yaml;

/// <summary>A located value read from YAML.</summary>
public readonly record struct Located<T>(T Value, SourceLocation Location);

/// <summary>
/// Reads the keys of one YAML mapping against a known set, reporting wrong types and missing keys as diagnostics
/// (all of them, never only the first) and, at <see cref="ReportUnknownKeys"/>, every key it was not asked about.
/// </summary>
public sealed class MappingReader
{
    private readonly Dictionary<string, (YamlNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly string _context;

    public MappingReader(string file, YamlMappingNode node, DiagnosticBag bag, string context)
    {
        File = file;
        Node = node;
        Bag = bag;
        _context = context;
        foreach (var (k, v) in node.Children)
        {
            var key = k is YamlScalarNode s ? s.Value ?? "" : "";
            _entries[key] = (k, v);
        }
    }

    public string File { get; }
    public YamlMappingNode Node { get; }
    public DiagnosticBag Bag { get; }
    public SourceLocation Location => Nodes.At(File, Node);

    /// <summary>Creates a reader when <paramref name="node"/> is a mapping; reports a wrong type otherwise.</summary>
    public static MappingReader? For(string file, YamlNode node, DiagnosticBag bag, string context)
    {
        if (node is YamlMappingNode m)
        {
            return new MappingReader(file, m, bag, context);
        }
        bag.Error(Nodes.At(file, node), DiagnosticCode.WrongType, $"{context} must be a mapping of keys to values, found {Nodes.Describe(node)}");
        return null;
    }

    public bool Has(string key)
    {
        _known.Add(key);
        return _entries.TryGetValue(key, out var e) && !Nodes.IsNull(e.Value);
    }

    public YamlNode? Raw(string key, bool required = false)
    {
        _known.Add(key);
        if (_entries.TryGetValue(key, out var e) && !Nodes.IsNull(e.Value))
        {
            return e.Value;
        }
        if (required)
        {
            Bag.Error(_entries.TryGetValue(key, out var present) ? Nodes.At(File, present.Key) : Location, DiagnosticCode.MissingKey,
                $"{_context} is missing the required key '{key}'");
        }
        return null;
    }

    public SourceLocation KeyLocation(string key) =>
        _entries.TryGetValue(key, out var e) ? Nodes.At(File, e.Key) : Location;

    public Located<string>? String(string key, bool required = false)
    {
        var node = Raw(key, required);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode s)
        {
            return new Located<string>(s.Value ?? "", Nodes.At(File, node));
        }
        WrongType(key, node, "text");
        return null;
    }

    public Located<long>? Integer(string key, bool required = false, long min = long.MinValue, long max = long.MaxValue)
    {
        var node = Raw(key, required);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode { Style: ScalarStyle.Plain } s && long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            if (n < min || n > max)
            {
                Bag.Error(Nodes.At(File, node), DiagnosticCode.InvalidValue, $"'{key}' must be between {min} and {max}, found {n}");
                return null;
            }
            return new Located<long>(n, Nodes.At(File, node));
        }
        WrongType(key, node, "a whole number");
        return null;
    }

    public Located<bool>? Boolean(string key)
    {
        var node = Raw(key);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } s)
        {
            return new Located<bool>(s.Value == "true", Nodes.At(File, node));
        }
        WrongType(key, node, "true or false");
        return null;
    }

    /// <summary>A list of text items; a single text value is accepted as a list of one when <paramref name="allowSingle"/>.</summary>
    public IReadOnlyList<Located<string>>? StringList(string key, bool required = false, bool allowSingle = false)
    {
        var node = Raw(key, required);
        if (node is null)
        {
            return null;
        }
        if (allowSingle && node is YamlScalarNode single)
        {
            return [new Located<string>(single.Value ?? "", Nodes.At(File, node))];
        }
        if (node is not YamlSequenceNode seq)
        {
            WrongType(key, node, "a list of text");
            return null;
        }
        var items = new List<Located<string>>();
        foreach (var item in seq.Children)
        {
            if (item is YamlScalarNode s && !Nodes.IsNull(item))
            {
                items.Add(new Located<string>(s.Value ?? "", Nodes.At(File, item)));
            }
            else
            {
                Bag.Error(Nodes.At(File, item), DiagnosticCode.WrongType, $"each item of '{key}' must be text, found {Nodes.Describe(item)}");
            }
        }
        return items;
    }

    public MappingReader? Mapping(string key, bool required = false)
    {
        var node = Raw(key, required);
        return node is null ? null : For(File, node, Bag, $"'{key}'");
    }

    public void WrongType(string key, YamlNode node, string expected) =>
        Bag.Error(Nodes.At(File, node), DiagnosticCode.WrongType, $"'{key}' must be {expected}, found {Nodes.Describe(node)}");

    /// <summary>All keys present in the mapping, in file order.</summary>
    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries() =>
        Node.Children.Select(kv => (kv.Key is YamlScalarNode s ? s.Value ?? "" : "", kv.Key, kv.Value));

    /// <summary>
    /// The entries of a mapping of named things (hardware profiles, node pools): each name checked as a DNS label and
    /// each value read as a mapping; entries that fail either are reported and skipped.
    /// </summary>
    public IEnumerable<(string Name, MappingReader Value)> NamedMappings(string what)
    {
        foreach (var (name, keyNode, value) in Entries())
        {
            if (!Validation.Names.IsDnsLabel(name))
            {
                Bag.Error(Nodes.At(File, keyNode), DiagnosticCode.InvalidName, $"{what} '{name}' is not valid: use {Validation.Names.DnsLabelRule}");
                continue;
            }
            if (For(File, value, Bag, $"{what} '{name}'") is { } reader)
            {
                yield return (name, reader);
            }
        }
    }

    public void ReportUnknownKeys()
    {
        foreach (var (key, keyNode, _) in Entries())
        {
            if (!_known.Contains(key))
            {
                Bag.Error(Nodes.At(File, keyNode), DiagnosticCode.UnknownKey,
                    $"unknown key '{key}' in {_context}{Suggestions.DidYouMean(key, _known)}");
            }
        }
    }
}
