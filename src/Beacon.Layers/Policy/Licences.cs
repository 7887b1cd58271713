namespace Beacon.Layers.Policy;

/// <summary>
/// A package's licence (the channel's <c>license</c> field) against the policy's patterns. The field is read as an
/// SPDX expression (<c>MIT OR Apache-2.0</c>, <c>(BSD-3-Clause AND MIT)</c>, <c>GPL-2.0-or-later WITH Classpath-exception-2.0</c>):
/// a package is acceptable when one choice of every OR and every part of every AND is. Text that is not an expression
/// (conda-forge has <c>BSD 3-Clause</c>, <c>GPL v3</c>) is one licence named by the whole text.
/// </summary>
public static class Licences
{
    /// <summary>A pattern: an SPDX-like id (letters, digits, '.', '-', '+'), optionally ending in '*'.</summary>
    public static bool IsPattern(string pattern)
    {
        var body = pattern.EndsWith('*') ? pattern[..^1] : pattern;
        return body.Length is > 0 and <= 100 && body.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or ' ');
    }

    public static bool Matches(string pattern, string licence) =>
        pattern.EndsWith('*')
            ? licence.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(pattern, licence, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the licence expression is acceptable when each single licence is judged by <paramref name="accept"/>.</summary>
    public static bool Satisfies(string expression, Func<string, bool> accept)
    {
        var tokens = Tokens(expression);
        if (tokens is null)
        {
            return accept(expression.Trim());
        }
        var position = 0;
        var result = Or(tokens, ref position, accept);
        return position == tokens.Count ? result : accept(expression.Trim());
    }

    /// <summary>The single licences an expression names (for messages), or the whole text.</summary>
    public static IReadOnlyList<string> Named(string expression) =>
        Tokens(expression) is { } tokens
            ? tokens.Where(t => t is not ("(" or ")") && !IsOperator(t)).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
            : [expression.Trim()];

    /// <summary>
    /// Whether the text is an SPDX licence expression as SBOMs may carry it: license ids (idstring: letters, digits,
    /// '.', '-', an optional trailing '+'), upper-case AND / OR / WITH, balanced parentheses. "BSD 3-Clause" is not one.
    /// </summary>
    public static bool IsSpdxExpression(string expression)
    {
        if (Tokens(expression) is not { } tokens || tokens.Any(t => IsOperator(t) && t is not ("AND" or "OR" or "WITH")))
        {
            return false;
        }
        if (IsOperator(tokens[0]) || IsOperator(tokens[^1]) || tokens.Zip(tokens.Skip(1)).Any(p => p is ("(", ")") || (IsOperator(p.First) && IsOperator(p.Second))))
        {
            return false;
        }
        var depth = 0;
        foreach (var t in tokens)
        {
            depth += t == "(" ? 1 : t == ")" ? -1 : 0;
            if (depth < 0)
            {
                return false;
            }
        }
        var position = 0;
        return depth == 0 && tokens.Where(t => t is not ("(" or ")") && !IsOperator(t)).All(IsIdString)
            && Or(tokens, ref position, _ => true) && position == tokens.Count;
    }

    private static bool IsIdString(string token)
    {
        var body = token.EndsWith('+') ? token[..^1] : token;
        return body.Length is > 0 and <= 100 && body.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-');
    }

    private static bool IsOperator(string token) => token.ToUpperInvariant() is "AND" or "OR" or "WITH";

    /// <summary>Tokens of an SPDX expression; null when the text is not one (two licences side by side: free text).</summary>
    private static List<string>? Tokens(string expression)
    {
        var tokens = new List<string>();
        foreach (var word in expression.Replace("(", " ( ", StringComparison.Ordinal).Replace(")", " ) ", StringComparison.Ordinal)
                     .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var previousIsLicence = tokens.Count > 0 && tokens[^1] is not ("(" or ")") && !IsOperator(tokens[^1]);
            var isLicence = word is not ("(" or ")") && !IsOperator(word);
            if (previousIsLicence && isLicence)
            {
                return null;
            }
            tokens.Add(word);
        }
        return tokens.Count == 0 ? null : tokens;
    }

    private static bool Or(List<string> t, ref int i, Func<string, bool> accept)
    {
        var result = And(t, ref i, accept);
        while (i < t.Count && t[i].Equals("OR", StringComparison.OrdinalIgnoreCase))
        {
            i++;
            result = And(t, ref i, accept) | result;
        }
        return result;
    }

    private static bool And(List<string> t, ref int i, Func<string, bool> accept)
    {
        var result = Single(t, ref i, accept);
        while (i < t.Count && t[i].Equals("AND", StringComparison.OrdinalIgnoreCase))
        {
            i++;
            result = Single(t, ref i, accept) & result;
        }
        return result;
    }

    private static bool Single(List<string> t, ref int i, Func<string, bool> accept)
    {
        if (i >= t.Count)
        {
            return false;
        }
        if (t[i] == "(")
        {
            i++;
            var inner = Or(t, ref i, accept);
            if (i < t.Count && t[i] == ")")
            {
                i++;
            }
            return inner;
        }
        var licence = t[i++];
        if (i + 1 < t.Count && t[i].Equals("WITH", StringComparison.OrdinalIgnoreCase))
        {
            i += 2; // an exception widens what the licence allows; the licence itself is what the policy judges
        }
        return accept(licence);
    }
}
