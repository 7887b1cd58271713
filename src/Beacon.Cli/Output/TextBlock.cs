namespace Beacon.Cli.Output;

/// <summary>Indents a block of lines (explanations and trees printed under a heading).</summary>
public static class TextBlock
{
    public static string Indent(string text, string prefix = "  ") =>
        string.Concat(text.Split('\n').Where(l => l.Length > 0).Select(l => prefix + l + "\n"));
}
