namespace Beacon.Conda.Parsing;

/// <summary>
/// User text quoted inside a message: control characters shown as <c>\uXXXX</c> (a newline in a value stays visible,
/// an escape sequence never reaches the terminal), and long text cut (a 100,000-character spec is named, not repeated).
/// </summary>
public static class Printable
{
    public const int MaxLength = 160;

    public static string Of(string text) =>
        text.Length > MaxLength ? $"{Escaped(text[..MaxLength])}… ({text.Length} characters)" : Escaped(text);

    /// <summary>Control characters escaped, nothing cut: for a whole message that already quotes user text.</summary>
    public static string Escaped(string text) =>
        text.Any(char.IsControl) ? string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) : text;
}
