namespace Beacon.Conda.Versions;

/// <summary>
/// One run of digits or non-digits inside a version segment, ordered the way conda's VersionOrder orders them:
/// identifiers (strings) sort below numbers, except <c>post</c> which sorts above every number, and <c>dev</c>
/// which sorts below every other identifier (conda spells it "DEV" internally so that ordinal order does this).
/// </summary>
public readonly struct VersionComponent : IEquatable<VersionComponent>, IComparable<VersionComponent>
{
    private enum Kind : byte { Number, Identifier, Post }

    private readonly Kind _kind;
    private readonly ulong _number;
    private readonly string? _identifier;

    private VersionComponent(Kind kind, ulong number, string? identifier)
    {
        _kind = kind;
        _number = number;
        _identifier = identifier;
    }

    public static readonly VersionComponent Zero = new(Kind.Number, 0, null);
    public static readonly VersionComponent PostRelease = new(Kind.Post, 0, null);

    public static VersionComponent Number(ulong value) => new(Kind.Number, value, null);

    /// <summary>An identifier as it appears (lower case); <c>dev</c> becomes "DEV" so it sorts first.</summary>
    public static VersionComponent Identifier(string lowerCaseText) =>
        lowerCaseText == "post" ? PostRelease
        : new(Kind.Identifier, 0, lowerCaseText == "dev" ? "DEV" : lowerCaseText);

    public bool IsNumber => _kind == Kind.Number;
    public bool IsIdentifier => _kind == Kind.Identifier;
    public bool IsPost => _kind == Kind.Post;
    public ulong NumberValue => _number;
    public string IdentifierText => _identifier ?? string.Empty;

    public int CompareTo(VersionComponent other)
    {
        if (IsIdentifier)
        {
            return other.IsIdentifier ? string.CompareOrdinal(_identifier, other._identifier) : -1;
        }
        if (other.IsIdentifier)
        {
            return 1;
        }
        if (IsPost || other.IsPost)
        {
            return (IsPost ? 1 : 0) - (other.IsPost ? 1 : 0);
        }
        return _number.CompareTo(other._number);
    }

    public bool Equals(VersionComponent other) => CompareTo(other) == 0;
    public override bool Equals(object? obj) => obj is VersionComponent c && Equals(c);
    public override int GetHashCode() => HashCode.Combine(_kind, _number, _identifier);
    public static bool operator ==(VersionComponent a, VersionComponent b) => a.Equals(b);
    public static bool operator !=(VersionComponent a, VersionComponent b) => !a.Equals(b);
    public static bool operator <(VersionComponent a, VersionComponent b) => a.CompareTo(b) < 0;
    public static bool operator >(VersionComponent a, VersionComponent b) => a.CompareTo(b) > 0;
    public static bool operator <=(VersionComponent a, VersionComponent b) => a.CompareTo(b) <= 0;
    public static bool operator >=(VersionComponent a, VersionComponent b) => a.CompareTo(b) >= 0;

    /// <summary>The notation conda prints for its parsed versions: <c>7</c>, <c>'DEV'</c>, <c>inf</c>.</summary>
    public string ToCondaNotation() => _kind switch
    {
        Kind.Number => _number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Kind.Post => "inf",
        _ => "'" + _identifier + "'",
    };
}
