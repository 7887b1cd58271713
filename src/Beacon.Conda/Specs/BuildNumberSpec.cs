using System.Globalization;
using Beacon.Conda.Parsing;

namespace Beacon.Conda.Specs;

/// <summary>A build-number constraint: <c>3</c> (exact), <c>&gt;6</c>, <c>&lt;=2</c>, <c>!=0</c>.</summary>
public sealed record BuildNumberSpec(string Operator, long Number)
{
    public bool Matches(long buildNumber) => Operator switch
    {
        "==" => buildNumber == Number,
        "!=" => buildNumber != Number,
        "<" => buildNumber < Number,
        "<=" => buildNumber <= Number,
        ">" => buildNumber > Number,
        ">=" => buildNumber >= Number,
        _ => false,
    };

    public static ParseResult<BuildNumberSpec> TryParse(string text)
    {
        var t = text.Trim();
        string op = "==";
        foreach (var candidate in new[] { "==", "!=", "<=", ">=", "<", ">", "=" })
        {
            if (t.StartsWith(candidate, StringComparison.Ordinal))
            {
                op = candidate == "=" ? "==" : candidate;
                t = t[candidate.Length..];
                break;
            }
        }
        return long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? ParseResult<BuildNumberSpec>.Ok(new BuildNumberSpec(op, n))
            : ParseResult<BuildNumberSpec>.Fail($"invalid build number '{text}': expected an integer with an optional operator such as '>=2'");
    }

    public override string ToString() => Operator + Number.ToString(CultureInfo.InvariantCulture);
}
