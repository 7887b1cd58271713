using System.Text.RegularExpressions;
using Beacon.Layers.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Yaml;

/// <summary>Parses one YAML document into nodes with positions; syntax errors become diagnostics.</summary>
public static partial class YamlLoader
{
    /// <summary>
    /// How deep mappings and lists may nest. Beacon's documents need four or five levels; without a limit a hostile
    /// file of nested brackets exhausts the stack while the nodes are built.
    /// </summary>
    public const int MaxDepth = 64;

    public static YamlNode? Load(string text, string displayPath, DiagnosticBag bag)
    {
        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (NestingTooDeepException e)
        {
            bag.Error(new SourceLocation(displayPath, (int)Math.Max(1, e.At.Line), (int)Math.Max(1, e.At.Column)), DiagnosticCode.YamlSyntax,
                $"mappings and lists nest deeper than {MaxDepth} levels here; Beacon's documents need a handful");
            return null;
        }
        catch (YamlException e)
        {
            var at = new SourceLocation(displayPath, (int)Math.Max(1, e.Start.Line), (int)Math.Max(1, e.Start.Column));
            if (e.Message.Contains("tab", StringComparison.Ordinal) && FirstTabIndent(text) is { } tab)
            {
                at = at with { Line = tab.Line, Column = tab.Column };
            }
            var message = StripMarkPrefix().Replace(e.Message, "");
            if (message.StartsWith("Duplicate key", StringComparison.Ordinal))
            {
                bag.Error(at, DiagnosticCode.DuplicateKey, $"duplicate key '{message["Duplicate key".Length..].Trim()}': each key may appear once in a mapping");
            }
            else
            {
                bag.Error(at, DiagnosticCode.YamlSyntax, $"YAML syntax error: {Describe(e, message)}");
            }
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // YamlDotNet fails this way on some malformed input (InvalidOperationException on an unclosed '[' followed
            // by more keys, ArgumentException "unsupported event" on a stray ':' line; found by the fuzz suite): the
            // text could not be parsed, which is the author's mistake to fix — reported at the last place understood.
            var at = new SourceLocation(displayPath, (int)Math.Max(1, parser.LastGood.Line), (int)Math.Max(1, parser.LastGood.Column));
            bag.Error(at, DiagnosticCode.YamlSyntax, "YAML syntax error after this point: the document could not be parsed (an unclosed '[', '{' or quote, or a stray ':'?)");
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

    /// <summary>
    /// Remembers the end of the last event parsed, for errors the parser reports without a position, and stops at
    /// <see cref="MaxDepth"/> levels of nesting before any node is built.
    /// </summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        private int _depth;

        public Mark LastGood { get; private set; } = Mark.Empty;
        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (inner.Current is { } current)
            {
                LastGood = current.End;
            }
            if (!inner.MoveNext())
            {
                return false;
            }
            switch (inner.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (++_depth > MaxDepth)
                    {
                        throw new NestingTooDeepException(inner.Current.Start);
                    }
                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    _depth--;
                    break;
            }
            return true;
        }
    }

    private sealed class NestingTooDeepException(Mark at) : Exception("YAML nesting too deep")
    {
        public Mark At { get; } = at;
    }

    /// <summary>YamlDotNet reports tab indentation at the start of the document; find the real line.</summary>
    private static (int Line, int Column)? FirstTabIndent(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t');
            if (tab >= 0 && tab < indent)
            {
                return (i + 1, tab + 1);
            }
        }
        return null;
    }

    private static string Describe(YamlException e, string message) =>
        e.InnerException is { } inner && !string.IsNullOrEmpty(inner.Message) && message.Length < 8
            ? inner.Message
            : message.TrimEnd('.');

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex StripMarkPrefix();
}
