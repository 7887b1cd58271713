using System.Text;
using Beacon.Conda.Parsing;

namespace Beacon.Conda.Versions;

/// <summary>
/// A conda version (CEP 29 / conda's VersionOrder): an optional integer epoch (<c>1!</c>), dot- or underscore-separated
/// segments of alternating number and identifier runs, and an optional local part after <c>+</c>. Comparison fills
/// missing segments and components with 0, so <c>1.1 == 1.1.0.0</c>; the text is kept as written for printing.
/// </summary>
public sealed class Version : IEquatable<Version>, IComparable<Version>
{
    private readonly VersionComponent[][] _segments; // [0] is the epoch
    private readonly VersionComponent[][] _local;
    private readonly int _hash;

    private Version(string text, VersionComponent[][] segments, VersionComponent[][] local)
    {
        Text = text;
        _segments = segments;
        _local = local;
        _hash = ComputeHash(segments, local);
    }

    /// <summary>The version as written (trimmed), e.g. <c>1.21.0</c>.</summary>
    public string Text { get; }

    public ulong Epoch => _segments[0][0].NumberValue;
    public bool HasLocal => _local.Length > 0;
    public IReadOnlyList<IReadOnlyList<VersionComponent>> Segments => _segments;
    public IReadOnlyList<IReadOnlyList<VersionComponent>> LocalSegments => _local;

    /// <summary>Number of segments after the epoch.</summary>
    public int SegmentCount => _segments.Length - 1;

    public static Version Parse(string text) => TryParse(text).Unwrap();

    public static ParseResult<Version> TryParse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return ParseResult<Version>.Fail("empty version string");
        }
        var lower = trimmed.ToLowerInvariant();
        var hasDash = lower.Contains('-');
        if (hasDash && lower.Contains('_'))
        {
            return ParseResult<Version>.Fail("cannot use both underscores and dashes as version segment separators");
        }
        for (var i = 0; i < lower.Length; i++)
        {
            var c = lower[i];
            if (!(char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c is '.' or '_' or '-' or '+' or '!' or '*'))
            {
                return ParseResult<Version>.Fail($"invalid character '{c}' in version '{trimmed}'", i);
            }
        }
        if (hasDash)
        {
            lower = lower.Replace('-', '_');
        }

        var epochSplit = lower.Split('!');
        if (epochSplit.Length > 2)
        {
            return ParseResult<Version>.Fail($"duplicated epoch separator '!' in version '{trimmed}'");
        }
        var epoch = VersionComponent.Zero;
        if (epochSplit.Length == 2)
        {
            if (epochSplit[0].Length == 0 || !epochSplit[0].All(char.IsAsciiDigit) || !ulong.TryParse(epochSplit[0], out var e))
            {
                return ParseResult<Version>.Fail($"epoch must be an integer in version '{trimmed}'");
            }
            epoch = VersionComponent.Number(e);
        }

        var localSplit = epochSplit[^1].Split('+');
        if (localSplit.Length > 2)
        {
            return ParseResult<Version>.Fail($"duplicated local version separator '+' in version '{trimmed}'");
        }
        var main = localSplit[0];
        if (main.Length == 0)
        {
            return ParseResult<Version>.Fail($"expected a version component e.g. `2` or `rc` in '{trimmed}'");
        }

        string[] mainParts;
        if (main[^1] == '_')
        {
            // The openssl trick: a trailing underscore stays attached to the last segment (1.0.1_ < 1.0.1a).
            mainParts = main[..^1].Replace('_', '.').Split('.');
            mainParts[^1] += "_";
        }
        else
        {
            mainParts = main.Replace('_', '.').Split('.');
        }

        var segments = new VersionComponent[mainParts.Length + 1][];
        segments[0] = [epoch];
        for (var i = 0; i < mainParts.Length; i++)
        {
            var seg = ParseSegment(mainParts[i]);
            if (seg is null)
            {
                return ParseResult<Version>.Fail($"expected a version component e.g. `2` or `rc` in '{trimmed}'");
            }
            segments[i + 1] = seg;
        }

        var local = Array.Empty<VersionComponent[]>();
        if (localSplit.Length == 2)
        {
            var localParts = localSplit[1].Replace('_', '.').Split('.');
            local = new VersionComponent[localParts.Length][];
            for (var i = 0; i < localParts.Length; i++)
            {
                var seg = ParseSegment(localParts[i]);
                if (seg is null)
                {
                    return ParseResult<Version>.Fail($"expected a version component e.g. `2` or `rc` in '{trimmed}'");
                }
                local[i] = seg;
            }
        }
        return ParseResult<Version>.Ok(new Version(trimmed, segments, local));
    }

    /// <summary>Splits a segment into runs of digits, of '*' and of other characters; null when empty or out of range.</summary>
    private static VersionComponent[]? ParseSegment(string segment)
    {
        if (segment.Length == 0)
        {
            return null;
        }
        var components = new List<VersionComponent>(3);
        if (!char.IsAsciiDigit(segment[0]))
        {
            // conda: an identifier is always preceded by a number, so "1.a" orders like "1.0a".
            components.Add(VersionComponent.Zero);
        }
        var start = 0;
        while (start < segment.Length)
        {
            var kind = RunKind(segment[start]);
            var end = start + 1;
            while (end < segment.Length && RunKind(segment[end]) == kind)
            {
                end++;
            }
            var run = segment[start..end];
            if (kind == 0)
            {
                if (!ulong.TryParse(run, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                {
                    return null;
                }
                components.Add(VersionComponent.Number(n));
            }
            else
            {
                components.Add(VersionComponent.Identifier(run));
            }
            start = end;
        }
        return components.ToArray();
    }

    private static int RunKind(char c) => char.IsAsciiDigit(c) ? 0 : c == '*' ? 1 : 2;

    public int CompareTo(Version? other)
    {
        if (other is null)
        {
            return 1;
        }
        var c = CompareParts(_segments, other._segments);
        return c != 0 ? c : CompareParts(_local, other._local);
    }

    private static int CompareParts(VersionComponent[][] a, VersionComponent[][] b)
    {
        var n = Math.Max(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var sa = i < a.Length ? a[i] : [];
            var sb = i < b.Length ? b[i] : [];
            var m = Math.Max(sa.Length, sb.Length);
            for (var j = 0; j < m; j++)
            {
                var ca = j < sa.Length ? sa[j] : VersionComponent.Zero;
                var cb = j < sb.Length ? sb[j] : VersionComponent.Zero;
                var c = ca.CompareTo(cb);
                if (c != 0)
                {
                    return c;
                }
            }
        }
        return 0;
    }

    /// <summary>
    /// conda's prefix match (<c>1.2.*</c>, <c>=1.2</c>): every segment of <paramref name="prefix"/> but its last equals
    /// ours, and in that last segment the leading components are equal and its last component is a prefix
    /// (identifiers) or equal (numbers) of ours. So 1.2.5 starts with 1.2, 1.20 does not.
    /// </summary>
    public bool StartsWith(Version prefix)
    {
        VersionComponent[][] mine, theirs;
        if (prefix.HasLocal)
        {
            if (CompareParts(_segments, prefix._segments) != 0)
            {
                return false;
            }
            mine = _local;
            theirs = prefix._local;
        }
        else
        {
            mine = _segments;
            theirs = prefix._segments;
        }
        var last = theirs.Length - 1;
        if (CompareParts(mine.Take(last).ToArray(), theirs.Take(last).ToArray()) != 0)
        {
            return false;
        }
        var mySegment = mine.Length > last ? mine[last] : [];
        var theirSegment = theirs[last];
        var lastComponent = theirSegment.Length - 1;
        for (var j = 0; j < lastComponent; j++)
        {
            var ca = j < mySegment.Length ? mySegment[j] : VersionComponent.Zero;
            if (ca != theirSegment[j])
            {
                return false;
            }
        }
        var wanted = theirSegment[lastComponent];
        if (lastComponent >= mySegment.Length)
        {
            return false; // conda: a missing component never matches (1.2 does not start with 1.2.0)
        }
        var have = mySegment[lastComponent];
        return wanted.IsIdentifier
            ? have.IsIdentifier && have.IdentifierText.StartsWith(wanted.IdentifierText, StringComparison.Ordinal)
            : have == wanted;
    }

    /// <summary>The version without its last segment (for <c>~=</c>); null when only one segment is left.</summary>
    public Version? WithoutLastSegment()
    {
        if (SegmentCount < 2)
        {
            return null;
        }
        var segments = _segments[..^1];
        var text = new StringBuilder();
        if (Epoch != 0 || Text.Contains('!'))
        {
            text.Append(Epoch).Append('!');
        }
        var mainText = Text.Contains('!') ? Text[(Text.IndexOf('!') + 1)..] : Text;
        var plus = mainText.IndexOf('+');
        if (plus >= 0)
        {
            mainText = mainText[..plus];
        }
        var cut = mainText.LastIndexOfAny(['.', '_', '-']);
        text.Append(cut > 0 ? mainText[..cut] : mainText);
        return new Version(text.ToString(), segments, []);
    }

    /// <summary>Conda's own notation of the parsed segments, e.g. <c>[[0], [1], [0, 'DEV', 1]]</c>.</summary>
    public string ToCondaNotation() => FormatParts(_segments);

    public string LocalToCondaNotation() => FormatParts(_local);

    private static string FormatParts(VersionComponent[][] parts) =>
        "[" + string.Join(", ", parts.Select(s => "[" + string.Join(", ", s.Select(c => c.ToCondaNotation())) + "]")) + "]";

    private static int ComputeHash(VersionComponent[][] segments, VersionComponent[][] local)
    {
        // Equal versions differ only by trailing zeros (1.1 == 1.1.0.0), so hash the trimmed form.
        var hash = new HashCode();
        AddTrimmed(ref hash, segments);
        hash.Add('+');
        AddTrimmed(ref hash, local);
        return hash.ToHashCode();
    }

    private static void AddTrimmed(ref HashCode hash, VersionComponent[][] parts)
    {
        var lastNonZero = parts.Length - 1;
        while (lastNonZero >= 0 && parts[lastNonZero].All(c => c == VersionComponent.Zero))
        {
            lastNonZero--;
        }
        for (var i = 0; i <= lastNonZero; i++)
        {
            var seg = parts[i];
            var end = seg.Length - 1;
            while (end >= 0 && seg[end] == VersionComponent.Zero)
            {
                end--;
            }
            for (var j = 0; j <= end; j++)
            {
                hash.Add(seg[j]);
            }
            hash.Add('.');
        }
    }

    public bool Equals(Version? other) => other is not null && (ReferenceEquals(this, other) || (_hash == other._hash && CompareTo(other) == 0));
    public override bool Equals(object? obj) => obj is Version v && Equals(v);
    public override int GetHashCode() => _hash;
    public override string ToString() => Text;

    public static bool operator ==(Version? a, Version? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(Version? a, Version? b) => !(a == b);
    public static bool operator <(Version a, Version b) => a.CompareTo(b) < 0;
    public static bool operator >(Version a, Version b) => a.CompareTo(b) > 0;
    public static bool operator <=(Version a, Version b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Version a, Version b) => a.CompareTo(b) >= 0;
}
