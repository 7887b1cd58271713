using System.Text.RegularExpressions;
using Beacon.Conda.Parsing;
using Beacon.Conda.Versions;

namespace Beacon.Conda.Specs;

/// <summary>
/// Parses MatchSpec strings in the order conda does: comment, package-file URL, brackets, <c>channel::</c>, name,
/// then version and build. Lenient mode accepts what conda accepts; strict mode rejects the ambiguous forms rattler
/// rejects (<c>foo=1.0=py27_0</c>, <c>=*</c>, regexes, bracket versions without an operator).
/// </summary>
internal static partial class MatchSpecParser
{
    private static readonly HashSet<string> BracketKeys = new(StringComparer.Ordinal)
    {
        "name", "version", "build", "build_number", "channel", "subdir", "md5", "sha256", "fn", "url", "license",
    };

    public static ParseResult<MatchSpec> Parse(string input, bool strict)
    {
        var text = input.Trim();
        var hash = text.IndexOf('#');
        if (hash >= 0)
        {
            text = text[..hash].Trim();
        }
        var conditional = text.IndexOf(" if ", StringComparison.Ordinal);
        if (conditional >= 0)
        {
            text = text[..conditional].Trim();
        }
        if (text.Length == 0)
        {
            return Fail("empty package spec");
        }
        if (text.Length > MatchSpec.MaxLength)
        {
            return Fail($"a package spec of {text.Length} characters; at most {MatchSpec.MaxLength} are allowed");
        }
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return Fail($"invalid control character U+{(int)c:X4} in package spec");
            }
        }
        if (text.EndsWith(".tar.bz2", StringComparison.Ordinal) || text.EndsWith(".conda", StringComparison.Ordinal))
        {
            return ParsePackageFile(text);
        }

        // Brackets: the last [...] group; its key=value pairs override positional fields (except the name).
        var brackets = new Dictionary<string, string>(StringComparer.Ordinal);
        var open = text.IndexOf('[');
        if (open >= 0)
        {
            var close = text.LastIndexOf(']');
            if (close < open)
            {
                return Fail($"missing ']' in '{input.Trim()}'", open);
            }
            if (close != text.Length - 1)
            {
                return Fail($"unexpected text after ']' in '{input.Trim()}'", close + 1);
            }
            var error = ParseBrackets(text[(open + 1)..close], brackets, open + 1);
            if (error is not null)
            {
                return ParseResult<MatchSpec>.Fail(error);
            }
            text = text[..open];
        }

        // Channel: everything before the last "::".
        string? channel = null, subdir = null;
        var sep = text.LastIndexOf("::", StringComparison.Ordinal);
        if (sep >= 0)
        {
            var channelError = SplitChannel(text[..sep], out channel, out subdir);
            if (channelError is not null)
            {
                return Fail(channelError);
            }
            text = text[(sep + 2)..];
        }
        if (brackets.Remove("channel", out var bracketChannel))
        {
            var channelError = SplitChannel(bracketChannel, out var bc, out var bs);
            if (channelError is not null)
            {
                return Fail(channelError);
            }
            channel = bc ?? channel;
            subdir = bs ?? subdir;
        }
        if (brackets.Remove("subdir", out var bracketSubdir))
        {
            // A subdir is a platform name (linux-64, noarch, osx-arm64): anything else would be written back into the
            // channel part of the spec and read as something else.
            if (!bracketSubdir.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
            {
                return Fail($"invalid subdir '{bracketSubdir}' (a platform such as linux-64 or noarch)");
            }
            subdir = bracketSubdir;
        }

        // Name: up to the first space or operator character.
        var nameEnd = 0;
        while (nameEnd < text.Length && text[nameEnd] is not (' ' or '=' or '<' or '>' or '!' or '~'))
        {
            nameEnd++;
        }
        var name = text[..nameEnd].ToLowerInvariant();
        if (name.Length == 0)
        {
            return Fail($"no package name found in '{input.Trim()}'");
        }
        if (!IsValidName(name))
        {
            return Fail($"invalid package name '{text[..nameEnd]}': names use letters, digits, '-', '_' and '.'");
        }
        brackets.Remove("name"); // a bracket name never overrides the positional one (conda warns and ignores it)

        VersionSpec? version = null;
        StringMatcher? build = null;
        var rest = text[nameEnd..].Trim();
        if (rest.Length > 0)
        {
            if (strict && IsEqualsSeparatedBuild(rest, out var badBuild))
            {
                return Fail($"the build string '{badBuild}' is not valid, it can only contain alphanumeric characters and underscores");
            }
            var (versionText, buildText) = SplitVersionAndBuild(rest);
            if (versionText is "=" or "==" or "" || versionText.EndsWith('=') && versionText.TrimEnd('=').Length == 0)
            {
                return Fail($"missing version after '{versionText}' in '{input.Trim()}'");
            }
            if (strict && versionText.StartsWith('=') && !versionText.StartsWith("==", StringComparison.Ordinal)
                && versionText.Contains('*') && versionText.IndexOfAny([',', '|']) >= 0)
            {
                return Fail("'*' is incompatible with '=' operator'");
            }
            versionText = TranslateEqualsForm(versionText, buildText is not null);
            var parsed = ParsePositionalVersion(versionText, strict);
            if (!parsed.Success)
            {
                return ParseResult<MatchSpec>.Fail(parsed.Error);
            }
            version = parsed.Value;
            if (buildText is not null)
            {
                var matcher = StringMatcher.TryCreate(buildText);
                if (!matcher.Success)
                {
                    return ParseResult<MatchSpec>.Fail(matcher.Error);
                }
                build = matcher.Value;
            }
        }

        BuildNumberSpec? buildNumber = null;
        if (brackets.Remove("version", out var bracketVersion))
        {
            var parsed = strict ? VersionSpec.TryParseStrict(bracketVersion) : VersionSpec.TryParse(bracketVersion);
            if (!parsed.Success)
            {
                return ParseResult<MatchSpec>.Fail(parsed.Error);
            }
            version = parsed.Value;
        }
        if (brackets.Remove("build", out var bracketBuild))
        {
            var matcher = StringMatcher.TryCreate(bracketBuild);
            if (!matcher.Success)
            {
                return ParseResult<MatchSpec>.Fail(matcher.Error);
            }
            build = matcher.Value;
        }
        if (brackets.Remove("build_number", out var bracketBuildNumber))
        {
            var parsed = BuildNumberSpec.TryParse(bracketBuildNumber);
            if (!parsed.Success)
            {
                return ParseResult<MatchSpec>.Fail(parsed.Error);
            }
            buildNumber = parsed.Value;
        }
        if (build is not null && !IsValidBuildPattern(build.Pattern))
        {
            return Fail($"the build string '{build.Pattern}' is not valid, it can only contain alphanumeric characters, '_', '.', '+', '!' and '*'");
        }

        return ParseResult<MatchSpec>.Ok(new MatchSpec
        {
            Name = name,
            Version = version,
            Build = build,
            BuildNumber = buildNumber,
            Channel = channel,
            Subdir = subdir,
            Md5 = Take(brackets, "md5"),
            Sha256 = Take(brackets, "sha256"),
            FileName = Take(brackets, "fn"),
            Url = Take(brackets, "url"),
            License = Take(brackets, "license"),
        });
    }

    private static ParseResult<MatchSpec> Fail(string message, int position = 0) => ParseResult<MatchSpec>.Fail(message, position);

    private static string? Take(Dictionary<string, string> d, string key) => d.Remove(key, out var v) ? v : null;

    /// <summary>conda/rattler package names: ASCII letters (folded to lower case), digits, '-', '_', '.', or '*'.</summary>
    public static bool IsValidName(string name) =>
        name == "*" || (name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));

    private static bool IsValidBuildPattern(string pattern) =>
        (pattern.StartsWith('^') && pattern.EndsWith('$'))
        || pattern.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '+' or '!' or '*');

    private static ParseError? ParseBrackets(string body, Dictionary<string, string> into, int offset)
    {
        var i = 0;
        while (i < body.Length)
        {
            while (i < body.Length && body[i] is ' ' or ',')
            {
                i++;
            }
            if (i >= body.Length)
            {
                break;
            }
            var keyStart = i;
            while (i < body.Length && body[i] != '=' && body[i] is not (' ' or ','))
            {
                i++;
            }
            var key = body[keyStart..i];
            if (i >= body.Length || body[i] != '=' || key.Length == 0)
            {
                return new ParseError($"key-value mismatch in brackets: expected key=value near '{body[keyStart..]}'", offset + keyStart);
            }
            i++;
            string value;
            if (i < body.Length && body[i] is '"' or '\'')
            {
                var quote = body[i];
                var end = body.IndexOf(quote, i + 1);
                if (end < 0)
                {
                    return new ParseError($"unterminated quote in brackets after '{key}='", offset + i);
                }
                value = body[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var valueStart = i;
                // Unquoted values end at ", " or a space; a bare comma inside (version=>1,<2) belongs to the value
                // unless a new key= follows it.
                while (i < body.Length && body[i] != ' ' && !(body[i] == ',' && NextIsKey(body, i + 1)))
                {
                    i++;
                }
                value = body[valueStart..i];
                if (value.IndexOfAny(['"', '\'']) is var q and >= 0)
                {
                    return new ParseError($"a quote inside the unquoted value of '{key}'; quote the whole value", offset + valueStart + q);
                }
            }
            if (value.Length == 0)
            {
                return new ParseError($"key-value mismatch in brackets: '{key}' has no value", offset + keyStart);
            }
            if (!BracketKeys.Contains(key))
            {
                return new ParseError($"unknown key '{key}' in brackets (known: {string.Join(", ", BracketKeys.Order(StringComparer.Ordinal))})", offset + keyStart);
            }
            into[key] = value;
        }
        return null;
    }

    private static bool NextIsKey(string body, int from)
    {
        var i = from;
        while (i < body.Length && body[i] == ' ')
        {
            i++;
        }
        var start = i;
        while (i < body.Length && (char.IsAsciiLetterOrDigit(body[i]) || body[i] is '_' or '-'))
        {
            i++;
        }
        return i > start && i < body.Length && body[i] == '=';
    }

    private static string? SplitChannel(string text, out string? channel, out string? subdir)
    {
        channel = null;
        subdir = null;
        var t = text.Trim().TrimEnd('/');
        if (t.Length == 0)
        {
            return null;
        }
        // A bracket in a channel would end up before the spec's own brackets when the spec is written out.
        if (t.AsSpan().IndexOfAny('\\', '[', ']') >= 0 || t.Any(char.IsWhiteSpace))
        {
            return $"invalid channel '{text}'";
        }
        var slash = t.LastIndexOf('/');
        if (slash > 0 && Subdirs.IsKnown(t[(slash + 1)..]))
        {
            subdir = t[(slash + 1)..];
            t = t[..slash];
        }
        channel = t;
        return null;
    }

    /// <summary>
    /// conda's split of "version build" (its _parse_version_plus_build regex, read as a scan so that it is linear in the
    /// text): the build is everything after the first space or '=' that is not preceded by an operator character
    /// (=!|,&lt;&gt;~) and after which no operator character (-=,|&lt;&gt;~) follows; the version is what comes before,
    /// without spaces. Control characters were refused earlier, so conda's '.' (any character but a newline) is any.
    /// </summary>
    private static readonly System.Buffers.SearchValues<char> BuildExcludes = System.Buffers.SearchValues.Create("-=,|<>~");

    private static (string Version, string? Build) SplitVersionAndBuild(string text)
    {
        var lastOperator = text.AsSpan().LastIndexOfAny(BuildExcludes);
        // The separator is at p >= 1 with a non-empty build after it, and no operator character after the separator.
        for (var p = Math.Max(1, lastOperator); p < text.Length - 1; p++)
        {
            if (text[p] is ' ' or '=' && "=!|,<>~".IndexOf(text[p - 1], StringComparison.Ordinal) < 0 && lastOperator <= p)
            {
                var build = text[(p + 1)..].Trim();
                return (text[..p].Replace(" ", "", StringComparison.Ordinal), build.Length == 0 ? null : build);
            }
        }
        return (text.Replace(" ", "", StringComparison.Ordinal), null);
    }

    /// <summary>
    /// <c>=1.2</c> means 1.2.* (fuzzy) unless a build is given (<c>=1.2=h0</c> is exact); <c>==1.2</c> is exact.
    /// </summary>
    private static string TranslateEqualsForm(string version, bool hasBuild)
    {
        if (!version.StartsWith('='))
        {
            return version;
        }
        if (version.StartsWith("==", StringComparison.Ordinal))
        {
            return version;
        }
        var rest = version[1..];
        if (rest.IndexOfAny(['=', ',', '|']) >= 0)
        {
            return rest;
        }
        if (rest == "*")
        {
            return "=*";
        }
        return hasBuild || rest.EndsWith('*') ? "==" + rest.TrimEnd('*') + (rest.EndsWith('*') ? "*" : "") : rest + ".*";
    }

    /// <summary>rattler's strict mode rejects "foo=1.0=py27_0" (a build glued on with '=' instead of a space).</summary>
    private static bool IsEqualsSeparatedBuild(string rest, out string build)
    {
        build = string.Empty;
        if (rest.Contains(' ') || !rest.StartsWith('='))
        {
            return false;
        }
        var body = rest.TrimStart('=');
        var eq = body.IndexOf('=');
        if (eq <= 0 || body[..eq].IndexOfAny([',', '|', '<', '>', '!', '~']) >= 0)
        {
            return false;
        }
        build = body[eq..];
        return true;
    }

    private static ParseResult<VersionSpec> ParsePositionalVersion(string text, bool strict)
    {
        // A bare version in the positional slot is exact in both modes ("foo 1.0" == "foo ==1.0").
        if (text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '+' or '!' or '-'))
        {
            var v = Versions.Version.TryParse(text);
            return v.Success
                ? ParseResult<VersionSpec>.Ok(new ConstraintVersionSpec(VersionOperator.Equal, v.Value))
                : ParseResult<VersionSpec>.Fail(v.Error);
        }
        return strict ? VersionSpec.TryParseStrict(text) : VersionSpec.TryParse(text);
    }

    private static ParseResult<MatchSpec> ParsePackageFile(string text)
    {
        var url = text;
        if (text.Length > 2 && char.IsAsciiLetter(text[0]) && text[1] == ':' && text[2] is '\\' or '/')
        {
            url = "file:///" + text.Replace('\\', '/');
        }
        else if (text.StartsWith('/'))
        {
            url = "file://" + text;
        }
        else if (!text.Contains("://", StringComparison.Ordinal))
        {
            return Fail($"'{text}' looks like a package file but is neither a URL nor an absolute path");
        }
        var fileName = url[(url.LastIndexOf('/') + 1)..];
        var stem = fileName.EndsWith(".conda", StringComparison.Ordinal) ? fileName[..^6] : fileName[..^8];
        var parts = stem.Split('-');
        if (parts.Length < 3)
        {
            return Fail($"package file name '{fileName}' is not <name>-<version>-<build>");
        }
        var name = string.Join('-', parts[..^2]).ToLowerInvariant();
        if (!IsValidName(name))
        {
            return Fail($"invalid package name '{name}' in '{fileName}'");
        }
        return ParseResult<MatchSpec>.Ok(new MatchSpec { Name = name, Url = url });
    }
}
