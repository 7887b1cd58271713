using System.Text.RegularExpressions;
using Beacon.Layers.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Yaml;

/// <summary>Parses one YAML document into nodes with positions; syntax errors become diagnostics.</summary>
public static partial class YamlLoader
{
    public static YamlNode? Load(string text, string displayPath, DiagnosticBag bag)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var at = new SourceLocation(displayPath, (int)Math.Max(1, e.Start.Line), (int)Math.Max(1, e.Start.Column));
            var message = StripMarkPrefix().Replace(e.Message, "");
            if (message.StartsWith("Duplicate key", StringComparison.Ordinal))
            {
                bag.Error(at, DiagnosticCode.DuplicateKey, $"duplicate key {message["Duplicate key".Length..].Trim()}; each key may appear once in a mapping");
            }
            else
            {
                bag.Error(at, DiagnosticCode.YamlSyntax, $"YAML syntax error: {Describe(e, message)}");
            }
            return null;
        }
        if (stream.Documents.Count == 0)
        {
            bag.Error(new SourceLocation(displayPath), DiagnosticCode.EmptyFile, $"'{displayPath}' holds no YAML document (only comments?)");
            return null;
        }
        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            bag.Error(Nodes.At(displayPath, second), DiagnosticCode.MultipleDocuments,
                "the file holds more than one YAML document ('---'); put each layer or workload in its own file");
            return null;
        }
        return stream.Documents[0].RootNode;
    }

    private static string Describe(YamlException e, string message) =>
        e.InnerException is { } inner && !string.IsNullOrEmpty(inner.Message) && message.Length < 8
            ? inner.Message
            : message.TrimEnd('.');

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex StripMarkPrefix();
}
