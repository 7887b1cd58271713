using System.Text.RegularExpressions;

namespace Beacon.Conda.Specs;

/// <summary>
/// A build-string matcher: exact text, a glob with <c>*</c>, or a <c>^regex$</c> as conda allows. Globs are matched
/// directly (segment by segment, never through a regex, whose automaton grows with the pattern); regexes run on .NET's
/// non-backtracking engine: matching takes time linear in the input, so a hostile pattern can neither hang a solve nor
/// time out in the middle of one; constructs that engine cannot run (back-references, look-arounds) and regexes longer
/// than <see cref="MaxRegexLength"/> are refused when the spec is parsed.
/// </summary>
public sealed record StringMatcher
{
    /// <summary>Conda's build-string regexes are a few dozen characters; a longer one is refused before it is compiled.</summary>
    public const int MaxRegexLength = 256;

    private readonly Regex? _regex;
    private readonly string[]? _glob;

    private StringMatcher(string pattern, Regex? regex, string[]? glob)
    {
        Pattern = pattern;
        _regex = regex;
        _glob = glob;
    }

    public string Pattern { get; }
    public bool IsExact => _regex is null && _glob is null;

    /// <summary>The matcher, or why the pattern cannot be one (a regex that does not compile or needs backtracking).</summary>
    public static Parsing.ParseResult<StringMatcher> TryCreate(string pattern)
    {
        if (pattern.StartsWith('^') && pattern.EndsWith('$'))
        {
            if (pattern.Length > MaxRegexLength)
            {
                return Parsing.ParseResult<StringMatcher>.Fail($"build pattern '{pattern[..40]}…' is a regular expression of {pattern.Length} characters; at most {MaxRegexLength} are allowed");
            }
            try
            {
                return Parsing.ParseResult<StringMatcher>.Ok(new StringMatcher(pattern, new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking), null));
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                return Parsing.ParseResult<StringMatcher>.Fail($"build pattern '{pattern}' is not a regular expression Beacon can evaluate: {e.Message}");
            }
        }
        return Parsing.ParseResult<StringMatcher>.Ok(new StringMatcher(pattern, null, pattern.Contains('*') ? Glob.Split(pattern) : null));
    }

    public bool Matches(string value) =>
        _glob is not null ? Glob.Matches(_glob, value, StringComparison.Ordinal) : _regex?.IsMatch(value) ?? string.Equals(Pattern, value, StringComparison.Ordinal);

    public bool Equals(StringMatcher? other) => other is not null && Pattern == other.Pattern;
    public override int GetHashCode() => Pattern.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Pattern;
}
