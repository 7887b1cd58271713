namespace Beacon.Layers.Diagnostics;

/// <summary>
/// Where a generated file (a lock, CODEOWNERS) first differs from what Beacon would write, worded for a diagnostic:
/// lines are quoted, an empty line and the end of the file are named rather than shown as ''.
/// </summary>
public static class TextDifference
{
    private const string EndOfFile = "the end of the file";

    /// <summary>The 1-based line and what it should be and is; call only for texts that differ.</summary>
    public static (int Line, string Expected, string Found) First(string expected, string found)
    {
        var a = expected.Split('\n');
        var b = found.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? Shown(a[i], i == a.Length - 1) : EndOfFile;
            var y = i < b.Length ? Shown(b[i], i == b.Length - 1) : EndOfFile;
            if (x != y)
            {
                return (i + 1, x, y);
            }
        }
        // Only the final newline differs (the comparison above reads a missing one as the end of the file too).
        return (b.Length, "a newline at the end of the file", "none");
    }

    // The text after the last newline is the end of the file.
    private static string Shown(string line, bool last) => line.Length > 0 ? $"'{Conda.Parsing.Printable.Of(line)}'" : last ? EndOfFile : "an empty line";
}
