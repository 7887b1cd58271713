using System.Text.RegularExpressions;

namespace Beacon.Conda.Specs;

/// <summary>A build-string matcher: exact text, a glob with <c>*</c>, or a <c>^regex$</c> as conda allows.</summary>
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

    public static StringMatcher Create(string pattern)
    {
        if (pattern.StartsWith('^') && pattern.EndsWith('$'))
        {
            return new StringMatcher(pattern, new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        }
        if (pattern.Contains('*'))
        {
            var rx = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$";
            return new StringMatcher(pattern, new Regex(rx, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        }
        return new StringMatcher(pattern, null);
    }

    public bool Matches(string value) => _regex?.IsMatch(value) ?? string.Equals(Pattern, value, StringComparison.Ordinal);

    public bool Equals(StringMatcher? other) => other is not null && Pattern == other.Pattern;
    public override int GetHashCode() => Pattern.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Pattern;
}
