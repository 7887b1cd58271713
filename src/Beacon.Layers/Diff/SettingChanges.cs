using Beacon.Layers.Diagnostics;
using Beacon.Layers.Yaml;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Diff;

/// <summary>
/// Which keys of a settings file differ between two revisions: a stack file's <c>config:</c> keys (<c>aws:region</c>,
/// <c>beacon:registry</c>) and its other top-level keys, or beacon.yaml's top-level keys (<c>channels</c>,
/// <c>hardware</c>). Values are compared as parsed YAML (comments, quoting and key order do not count) and never
/// shown: a stack file may hold secrets (<c>secure:</c> values), so a summary names keys only.
/// </summary>
public static class SettingChanges
{
    /// <summary>
    /// The keys that differ, sorted; a file that exists on one side only, or does not parse on one side, differs as
    /// a whole (the one entry "<paramref name="wholeFile"/>").
    /// </summary>
    public static IReadOnlyList<string> Compare(string? beforeText, string? afterText, string wholeFile, string? nestedSection = null)
    {
        if (beforeText == afterText)
        {
            return [];
        }
        var before = beforeText is null ? null : Flatten(beforeText, nestedSection);
        var after = afterText is null ? null : Flatten(afterText, nestedSection);
        if (before is null || after is null)
        {
            return [wholeFile];
        }
        return before.Keys.Union(after.Keys)
            .Where(k => !before.TryGetValue(k, out var b) || !after.TryGetValue(k, out var a) || a != b)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Reads a file as <see cref="Compare"/> takes it: null when it is absent.</summary>
    public static string? ReadOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Top-level keys → canonical value text; the keys of <paramref name="nestedSection"/> take its place.</summary>
    private static Dictionary<string, string>? Flatten(string text, string? nestedSection)
    {
        var bag = new DiagnosticBag();
        if (YamlLoader.Load(text, "settings", bag) is not YamlMappingNode root)
        {
            return null;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in root.Children)
        {
            var name = KeyName(key);
            if (name == nestedSection && value is YamlMappingNode section)
            {
                foreach (var (k, v) in section.Children)
                {
                    result[KeyName(k)] = Canonical(v);
                }
            }
            else
            {
                result[name] = Canonical(value);
            }
        }
        return result;
    }

    /// <summary>A key as people write it (<c>aws:region</c>); a key that is not a scalar by its canonical text.</summary>
    private static string KeyName(YamlNode key) => key is YamlScalarNode { Value: { } value } ? value : Canonical(key);

    /// <summary>A node as text that ignores presentation: scalars by value, mappings with sorted keys.</summary>
    private static string Canonical(YamlNode node) => node switch
    {
        YamlScalarNode s => "'" + (s.Value ?? "").Replace("'", "''", StringComparison.Ordinal) + "'",
        YamlSequenceNode l => "[" + string.Join(",", l.Children.Select(Canonical)) + "]",
        YamlMappingNode m => "{" + string.Join(",", m.Children.Select(kv => Canonical(kv.Key) + ":" + Canonical(kv.Value)).Order(StringComparer.Ordinal)) + "}",
        _ => "?",
    };
}
