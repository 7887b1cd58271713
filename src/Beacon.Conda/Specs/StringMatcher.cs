using System.Text.RegularExpressions;

namespace Beacon.Conda.Specs;

/// <summary>
/// A build-string matcher: exact text, a glob with <c>*</c>, or a <c>^regex$</c> as conda allows. Patterns run on .NET's
/// non-backtracking engine: matching takes time linear in the input, so a hostile pattern can neither hang a solve nor
/// time out in the middle of one; constructs that engine cannot run (back-references, look-arounds) are refused when
/// the spec is parsed.
/// </summary>
public sealed record StringMatcher
{
    private readonly Regex? _regex;

    private StringMatcher(string pattern, Regex? regex)
    {
        Pattern = pattern;
        _regex = regex;
    }

    public string Pattern { get; }
    public bool IsExact => _regex is null;

    /// <summary>The matcher, or why the pattern cannot be one (a regex that does not compile or needs backtracking).</summary>
    public static Parsing.ParseResult<StringMatcher> TryCreate(string pattern)
    {
        if (pattern.StartsWith('^') && pattern.EndsWith('$'))
        {
            try
            {
                return Parsing.ParseResult<StringMatcher>.Ok(new StringMatcher(pattern, new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)));
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                return Parsing.ParseResult<StringMatcher>.Fail($"build pattern '{pattern}' is not a regular expression Beacon can evaluate: {e.Message}");
            }
        }
        if (pattern.Contains('*'))
        {
            var rx = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$";
            return Parsing.ParseResult<StringMatcher>.Ok(new StringMatcher(pattern, new Regex(rx, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)));
        }
        return Parsing.ParseResult<StringMatcher>.Ok(new StringMatcher(pattern, null));
    }

    public bool Matches(string value) => _regex?.IsMatch(value) ?? string.Equals(Pattern, value, StringComparison.Ordinal);

    public bool Equals(StringMatcher? other) => other is not null && Pattern == other.Pattern;
    public override int GetHashCode() => Pattern.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Pattern;
}
