using System.Text;
using Beacon.Conda.Parsing;
using Beacon.Conda.Records;
using Beacon.Conda.Versions;

namespace Beacon.Conda.Specs;

/// <summary>
/// A conda MatchSpec (CEP 29): <c>[channel[/subdir]::]name [version [build]][[key=value, ...]]</c>. Bracket values
/// override positional ones. <c>pkg=1.8</c> is fuzzy (1.8.*) while <c>pkg 1.8</c>, <c>pkg==1.8</c> and
/// <c>pkg=1.8=build</c> are exact.
/// </summary>
public sealed record MatchSpec
{
    /// <summary>Lower-case package name, or <c>*</c>.</summary>
    public required string Name { get; init; }
    public VersionSpec? Version { get; init; }
    public StringMatcher? Build { get; init; }
    public BuildNumberSpec? BuildNumber { get; init; }
    /// <summary>The channel as written (<c>conda-forge</c>, a URL, a path), without any subdir.</summary>
    public string? Channel { get; init; }
    public string? Subdir { get; init; }
    public string? Md5 { get; init; }
    public string? Sha256 { get; init; }
    public string? FileName { get; init; }
    public string? Url { get; init; }
    public string? License { get; init; }

    /// <summary>Real specs are a few dozen characters (a url= in brackets a few hundred); longer text is refused.</summary>
    public const int MaxLength = 4096;

    public static ParseResult<MatchSpec> TryParse(string text) => MatchSpecParser.Parse(text, strict: false);
    public static ParseResult<MatchSpec> TryParseStrict(string text) => MatchSpecParser.Parse(text, strict: true);
    public static MatchSpec Parse(string text) => TryParse(text).Unwrap();

    /// <summary>The one wording of a refused spec: "[what ]'text' is not a valid conda MatchSpec: why".</summary>
    public static string Refusal(string text, ParseError error, string? what = null) =>
        $"{(what is null ? "" : what + " ")}'{Printable.Of(text)}' is not a valid conda MatchSpec: {error.Message}";

    /// <summary>Specs given as arguments (a command line's --requires or --add): all parsed, or the first refusal.</summary>
    /// <param name="what">How the refusal names them (<c>--add</c>), or null.</param>
    /// <returns>null when every text parsed; else the refusal of the first that did not.</returns>
    public static string? TryParseAll(IEnumerable<string> texts, string? what, out List<MatchSpec> specs)
    {
        specs = [];
        foreach (var text in texts)
        {
            var parsed = TryParse(text);
            if (!parsed.Success)
            {
                return Refusal(text, parsed.Error, what);
            }
            specs.Add(parsed.Value);
        }
        return null;
    }

    /// <summary>Whether the record satisfies every field of this spec (the channel is compared by name suffix).</summary>
    public bool Matches(PackageRecord record)
    {
        if (Name != "*" && !string.Equals(Name, record.Name, StringComparison.Ordinal))
        {
            return false;
        }
        if (Version is not null && !Version.Matches(record.Version))
        {
            return false;
        }
        if (Build is not null && !Build.Matches(record.Build))
        {
            return false;
        }
        if (BuildNumber is not null && !BuildNumber.Matches(record.BuildNumber))
        {
            return false;
        }
        if (Subdir is not null && Subdir != record.Subdir)
        {
            return false;
        }
        if (Md5 is not null && !string.Equals(Md5, record.Md5, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (Sha256 is not null && !string.Equals(Sha256, record.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (FileName is not null && FileName != record.FileName)
        {
            return false;
        }
        if (License is not null && License != record.License)
        {
            return false;
        }
        if (Channel is not null && !ChannelMatches(record.Channel))
        {
            return false;
        }
        return true;
    }

    private bool ChannelMatches(string recordChannel)
    {
        var wanted = Channel!.TrimEnd('/');
        var have = recordChannel.TrimEnd('/');
        return have == wanted || have.EndsWith("/" + wanted, StringComparison.Ordinal);
    }

    /// <summary>Canonical text: <c>channel/subdir::name version build[key=value, ...]</c>; parses back to an equal spec.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Channel is not null)
        {
            sb.Append(Channel);
            if (Subdir is not null)
            {
                sb.Append('/').Append(Subdir);
            }
            sb.Append("::");
        }
        sb.Append(Name);
        var brackets = new List<string>();
        var versionText = Version?.ToString() ?? "*";
        if (Build is not null && versionText.Length > 0 && versionText[^1] is '<' or '>' or '=' or '!' or '~')
        {
            // "1.0! build" would read back as the version "1.0!build" (a space after an operator is not a separator):
            // such a pair is written in brackets, where it cannot run together.
            AddBracket(brackets, "version", versionText);
            AddBracket(brackets, "build", Build.Pattern);
        }
        else
        {
            if (Version is not null || Build is not null)
            {
                sb.Append(' ').Append(versionText);
            }
            if (Build is not null)
            {
                sb.Append(' ').Append(Build.Pattern);
            }
        }
        if (Channel is null && Subdir is not null)
        {
            brackets.Add($"subdir={Subdir}");
        }
        if (BuildNumber is not null)
        {
            brackets.Add($"build_number=\"{BuildNumber}\"");
        }
        AddBracket(brackets, "md5", Md5);
        AddBracket(brackets, "sha256", Sha256);
        AddBracket(brackets, "fn", FileName);
        AddBracket(brackets, "url", Url);
        AddBracket(brackets, "license", License);
        if (brackets.Count > 0)
        {
            sb.Append('[').Append(string.Join(", ", brackets)).Append(']');
        }
        return sb.ToString();
    }

    private static void AddBracket(List<string> brackets, string key, string? value)
    {
        if (value is not null)
        {
            // The parser admits a quote only inside a value quoted with the other kind.
            var quote = value.Contains('"') ? '\'' : '"';
            brackets.Add($"{key}={quote}{value}{quote}");
        }
    }
}
