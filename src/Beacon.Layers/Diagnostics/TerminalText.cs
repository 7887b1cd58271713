using System.Text;

namespace Beacon.Layers.Diagnostics;

/// <summary>
/// Text that came from a user (a name, a value, a command-line argument) made safe to print: control characters,
/// ANSI escape sequences among them, are shown as \u001b instead of being sent to the terminal or a CI log.
/// </summary>
public static class TerminalText
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

    /// <summary>Control characters other than newline and tab, including DEL and the C1 range, and bidi overrides.</summary>
    private static bool IsUnsafe(char c) =>
        (char.IsControl(c) && c is not '\n' and not '\t') || c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069';
}
