using System.Text;

namespace Beacon.Layers.Diagnostics;

/// <summary>
/// Text that came from a user (a name, a value, a command-line argument) made safe to print: control characters,
/// ANSI escape sequences among them, are shown as \u001b instead of being sent to the terminal or a CI log.
/// </summary>
public static partial class TerminalText
{
    public static string Clean(string text)
    {
        if (!text.Any(IsUnsafe))
        {
            return text;
        }
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Output of a tool that colours its text (Docker's build stream marks a step's stderr with <c>ESC[91m</c>):
    /// the colour codes (SGR sequences) removed, so that <see cref="Clean"/> does not show them as literal
    /// <c>\u001b[91m</c>; any other control character is still escaped by <see cref="Clean"/>.
    /// </summary>
    public static string WithoutColour(string text) =>
        text.Contains('\u001b', StringComparison.Ordinal) ? Sgr().Replace(text, "") : text;

    [System.Text.RegularExpressions.GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial System.Text.RegularExpressions.Regex Sgr();

    /// <summary>Control characters other than newline and tab, including DEL and the C1 range, and bidi overrides.</summary>
    private static bool IsUnsafe(char c) =>
        (char.IsControl(c) && c is not '\n' and not '\t') || c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069';
}
