using Beacon.Conda.Parsing;

namespace Beacon.Conda.Versions;

/// <summary>
/// Recursive descent over <c>or := and ('|' and)*</c>, <c>and := atom (',' atom)*</c>, <c>atom := '(' or ')' | constraint</c>.
/// Parentheses nest at most <see cref="MaxNesting"/> deep: real specs use one or two levels, and a hostile one must not
/// exhaust the stack.
/// </summary>
internal sealed class VersionSpecParser
{
    public const int MaxNesting = 32;

    private readonly string _text;
    private readonly bool _strict;
    private int _pos;
    private int _depth;

    private VersionSpecParser(string text, bool strict)
    {
        _text = text;
        _strict = strict;
    }

    public static ParseResult<VersionSpec> Parse(string text, bool strict)
    {
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        if (compact.Length == 0)
        {
            return ParseResult<VersionSpec>.Fail("empty version spec");
        }
        var parser = new VersionSpecParser(compact, strict);
        try
        {
            var spec = parser.ParseOr();
            if (parser._pos < compact.Length)
            {
                return ParseResult<VersionSpec>.Fail($"unexpected '{compact[parser._pos]}' in version spec '{text.Trim()}'", parser._pos);
            }
            return ParseResult<VersionSpec>.Ok(spec);
        }
        catch (SpecSyntaxException e)
        {
            return ParseResult<VersionSpec>.Fail(e.Message, e.Position);
        }
    }

    private VersionSpec ParseOr()
    {
        var parts = new List<VersionSpec> { ParseAnd() };
        while (Peek() == '|')
        {
            _pos++;
            parts.Add(ParseAnd());
        }
        return parts.Count == 1 ? parts[0] : new OrVersionSpec(parts);
    }

    private VersionSpec ParseAnd()
    {
        var parts = new List<VersionSpec> { ParseAtom() };
        while (Peek() == ',')
        {
            _pos++;
            parts.Add(ParseAtom());
        }
        return parts.Count == 1 ? parts[0] : new AndVersionSpec(parts);
    }

    private VersionSpec ParseAtom()
    {
        if (Peek() == '(')
        {
            if (++_depth > MaxNesting)
            {
                throw new SpecSyntaxException($"version spec nests parentheses deeper than {MaxNesting}", _pos);
            }
            _pos++;
            var inner = ParseOr();
            _depth--;
            if (Peek() != ')')
            {
                throw new SpecSyntaxException($"missing ')' in version spec '{_text}'", _pos);
            }
            _pos++;
            return inner;
        }
        var start = _pos;
        while (_pos < _text.Length && _text[_pos] is not (',' or '|' or '(' or ')'))
        {
            _pos++;
        }
        if (_pos == start)
        {
            throw new SpecSyntaxException($"expected a version constraint at position {start} of '{_text}'", start);
        }
        return ParseConstraint(_text[start.._pos], start);
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private VersionSpec ParseConstraint(string text, int position)
    {
        if (text is "*" or "*.*")
        {
            return VersionSpec.Any;
        }
        if (text.StartsWith('^') || text.EndsWith('$'))
        {
            throw new SpecSyntaxException("regex constraints are not supported", position);
        }

        var (op, rest) = SplitOperator(text);
        rest = CollapseRepeatedWildcards(rest, position);
        if (op is null && rest is "*" or "*.*")
        {
            return VersionSpec.Any; // "*.*.*" collapsed: the same as "*.*", not a glob that prints as it
        }
        if (op is not null && rest.Length == 0)
        {
            throw new SpecSyntaxException($"missing version after operator '{op}' in '{text}'", position);
        }
        if (op is not null && rest == "*")
        {
            if (!_strict && op is "=" or "==" or ">=")
            {
                return VersionSpec.Any;
            }
            throw new SpecSyntaxException($"'*' is incompatible with '{op}' operator'", position);
        }

        if (op is null)
        {
            if (rest.TrimEnd('*').Contains('*'))
            {
                return _strict ? throw new SpecSyntaxException("regex constraints are not supported", position) : Glob(rest, position);
            }
            if (rest.EndsWith('*'))
            {
                var prefix = rest.EndsWith(".*", StringComparison.Ordinal) ? rest[..^2] : rest[..^1];
                return new ConstraintVersionSpec(VersionOperator.StartsWith, ParseVersion(prefix, position));
            }
            if (_strict)
            {
                throw new SpecSyntaxException($"missing range specifier for '{rest}'. Did you mean '=={rest}' or '{rest}.*'?", position);
            }
            return new ConstraintVersionSpec(VersionOperator.Equal, ParseVersion(rest, position));
        }

        var wildcard = rest.EndsWith(".*", StringComparison.Ordinal);
        if (wildcard)
        {
            rest = rest[..^2];
        }
        else if (rest.EndsWith('*') && op is "=" or "==")
        {
            wildcard = true;
            rest = rest[..^1];
        }
        if (rest.Contains('*'))
        {
            if (!_strict && op == "=")
            {
                return Glob(rest + (wildcard ? ".*" : ""), position);
            }
            throw new SpecSyntaxException($"'*' is incompatible with '{op}' operator'", position);
        }
        var version = ParseVersion(rest, position);
        return op switch
        {
            "=" => new ConstraintVersionSpec(VersionOperator.StartsWith, version),
            "==" => new ConstraintVersionSpec(wildcard ? VersionOperator.StartsWith : VersionOperator.Equal, version),
            "!=" => new ConstraintVersionSpec(wildcard ? VersionOperator.NotStartsWith : VersionOperator.NotEqual, version),
            "~=" when wildcard => throw new SpecSyntaxException($"invalid operator '~=' with '.*' in '{text}'", position),
            "~=" when version.SegmentCount < 2 => throw new SpecSyntaxException($"'~={rest}' needs at least two version segments", position),
            "~=" => new ConstraintVersionSpec(VersionOperator.Compatible, version),
            // A '.*' after <, <=, > is superfluous (conda ignores it with a warning).
            "<" => new ConstraintVersionSpec(VersionOperator.Less, version),
            "<=" => new ConstraintVersionSpec(VersionOperator.LessEqual, version),
            ">" => new ConstraintVersionSpec(VersionOperator.Greater, version),
            ">=" => new ConstraintVersionSpec(VersionOperator.GreaterEqual, version),
            _ => throw new SpecSyntaxException($"invalid operator '{op}' in '{text}'", position),
        };
    }

    private string CollapseRepeatedWildcards(string text, int position)
    {
        // "1.2**" and "1.2.*.*" mean "1.2*" and "1.2.*" (lenient, as rattler reads them); left alone, "1.2.**" would
        // become a prefix match on the version "1.2.*" that prints as "1.2.*.*" and reads back as something else.
        while (text.EndsWith("**", StringComparison.Ordinal) || text.EndsWith(".*.*", StringComparison.Ordinal))
        {
            if (_strict)
            {
                throw new SpecSyntaxException("regex constraints are not supported", position);
            }
            text = text.EndsWith("**", StringComparison.Ordinal) ? text[..^1] : text[..^2];
        }
        return text;
    }

    private static (string? Op, string Remainder) SplitOperator(string text)
    {
        foreach (var op in Operators)
        {
            if (text.StartsWith(op, StringComparison.Ordinal))
            {
                var rest = text[op.Length..];
                if (rest.Length > 0 && rest[0] is '=' or '<' or '>' or '!' or '~')
                {
                    throw new SpecSyntaxException($"invalid operator '{op}{rest[0]}' in '{text}'", 0);
                }
                return (op, rest);
            }
        }
        if (text.Length > 0 && text[0] is '!' or '~')
        {
            throw new SpecSyntaxException($"invalid operator in '{text}'", 0);
        }
        return (null, text);
    }

    private static readonly string[] Operators = ["==", "!=", "<=", ">=", "~=", "<", ">", "="];

    private static Version ParseVersion(string text, int position)
    {
        var result = Version.TryParse(text);
        return result.Success ? result.Value : throw new SpecSyntaxException(result.Error.Message, position + result.Error.Position);
    }

    /// <summary>A version glob: version characters around the stars (what a version may contain), nothing else.</summary>
    private static GlobVersionSpec Glob(string pattern, int position)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = char.ToLowerInvariant(pattern[i]);
            if (!(char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c is '.' or '_' or '-' or '+' or '!' or '*'))
            {
                throw new SpecSyntaxException($"invalid character '{c}' in version pattern '{pattern}'", position + i);
            }
        }
        return new GlobVersionSpec(pattern);
    }

    /// <summary>Internal control flow of the recursive descent; converted to a <see cref="ParseError"/> at the entry point.</summary>
    private sealed class SpecSyntaxException(string message, int position) : Exception(message)
    {
        public int Position { get; } = position;
    }
}
