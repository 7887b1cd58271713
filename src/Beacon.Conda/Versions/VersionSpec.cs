using Beacon.Conda.Parsing;

namespace Beacon.Conda.Versions;

/// <summary>The relational operators a version constraint can use.</summary>
public enum VersionOperator
{
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    StartsWith,
    NotStartsWith,
    Compatible,
}

/// <summary>
/// A conda version constraint (CEP 29/33): <c>&gt;=1.2,&lt;2|==3.0</c>, where <c>,</c> (and) binds tighter than
/// <c>|</c> (or), parentheses group, a bare version is exact, <c>1.2.*</c>/<c>1.2*</c>/<c>=1.2</c> are prefix matches
/// and <c>~=1.2.3</c> means <c>&gt;=1.2.3,1.2.*</c>.
/// </summary>
public abstract record VersionSpec
{
    public static readonly VersionSpec Any = new AnyVersionSpec();

    public abstract bool Matches(Version version);

    /// <summary>Parses conda's lenient grammar (what conda and mamba accept in repodata and environment files).</summary>
    public static ParseResult<VersionSpec> TryParse(string text) => VersionSpecParser.Parse(text, strict: false);

    /// <summary>The strict grammar (rattler's): no bare versions outside a MatchSpec, no regexes, no <c>=*</c>.</summary>
    public static ParseResult<VersionSpec> TryParseStrict(string text) => VersionSpecParser.Parse(text, strict: true);

    public static VersionSpec Parse(string text) => TryParse(text).Unwrap();

    /// <summary>True when the spec pins exactly one version (<c>==1.2</c> or a bare <c>1.2</c>).</summary>
    public virtual bool IsExact => false;
}

public sealed record AnyVersionSpec : VersionSpec
{
    public override bool Matches(Version version) => true;
    public override string ToString() => "*";
}

public sealed record ConstraintVersionSpec(VersionOperator Operator, Version Version) : VersionSpec
{
    private readonly Version? _compatiblePrefix = Operator == VersionOperator.Compatible ? Version.WithoutLastSegment() : null;

    public override bool IsExact => Operator == VersionOperator.Equal;

    public override bool Matches(Version version) => Operator switch
    {
        VersionOperator.Equal => version == Version,
        VersionOperator.NotEqual => version != Version,
        VersionOperator.Less => version < Version,
        VersionOperator.LessEqual => version <= Version,
        VersionOperator.Greater => version > Version,
        VersionOperator.GreaterEqual => version >= Version,
        VersionOperator.StartsWith => version.StartsWith(Version),
        VersionOperator.NotStartsWith => !version.StartsWith(Version),
        VersionOperator.Compatible => version >= Version && version.StartsWith(_compatiblePrefix!),
        _ => false,
    };

    public override string ToString() => Operator switch
    {
        VersionOperator.Equal => "==" + Version.Text,
        VersionOperator.NotEqual => "!=" + Version.Text,
        VersionOperator.Less => "<" + Version.Text,
        VersionOperator.LessEqual => "<=" + Version.Text,
        VersionOperator.Greater => ">" + Version.Text,
        VersionOperator.GreaterEqual => ">=" + Version.Text,
        VersionOperator.StartsWith => Version.Text + ".*",
        VersionOperator.NotStartsWith => "!=" + Version.Text + ".*",
        VersionOperator.Compatible => "~=" + Version.Text,
        _ => Version.Text,
    };

    public bool Equals(ConstraintVersionSpec? other) =>
        other is not null && Operator == other.Operator && Version.Text == other.Version.Text;

    public override int GetHashCode() => HashCode.Combine(Operator, Version.Text);
}

/// <summary>
/// A glob with <c>*</c> inside the version (<c>1.*.3</c>): conda matches it as a case-insensitive regex on the text;
/// here it is matched directly (<see cref="Specs.Glob"/>). The parser admits only version characters around the stars.
/// </summary>
public sealed record GlobVersionSpec(string Pattern) : VersionSpec
{
    private readonly string[] _pieces = Specs.Glob.Split(Pattern);

    public override bool Matches(Version version) => Specs.Glob.Matches(_pieces, version.Text, StringComparison.OrdinalIgnoreCase);
    public override string ToString() => Pattern;

    public bool Equals(GlobVersionSpec? other) => other is not null && Pattern == other.Pattern;
    public override int GetHashCode() => Pattern.GetHashCode(StringComparison.Ordinal);
}

public sealed record AndVersionSpec(IReadOnlyList<VersionSpec> Parts) : VersionSpec
{
    public override bool Matches(Version version)
    {
        foreach (var p in Parts)
        {
            if (!p.Matches(version))
            {
                return false;
            }
        }
        return true;
    }

    public override string ToString() =>
        string.Join(",", Parts.Select(p => p is OrVersionSpec ? "(" + p + ")" : p.ToString()));

    public bool Equals(AndVersionSpec? other) => other is not null && Parts.SequenceEqual(other.Parts);
    public override int GetHashCode() => Parts.Aggregate(17, (h, p) => HashCode.Combine(h, p));
}

public sealed record OrVersionSpec(IReadOnlyList<VersionSpec> Parts) : VersionSpec
{
    public override bool Matches(Version version)
    {
        foreach (var p in Parts)
        {
            if (p.Matches(version))
            {
                return true;
            }
        }
        return false;
    }

    public override string ToString() => string.Join("|", Parts.Select(p => p.ToString()));

    public bool Equals(OrVersionSpec? other) => other is not null && Parts.SequenceEqual(other.Parts);
    public override int GetHashCode() => Parts.Aggregate(19, (h, p) => HashCode.Combine(h, p));
}
