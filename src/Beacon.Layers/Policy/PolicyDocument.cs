using Beacon.Conda.Specs;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Yaml;

namespace Beacon.Layers.Policy;

/// <summary>
/// <c>policy.yaml</c>: what the organisation lets into a lock, checked by <c>beacon check</c> on every layer's own
/// packages (<see cref="PolicyCheck"/>). Licences are matched against the channel's <c>license</c> field (patterns with
/// a trailing <c>*</c>, case-insensitive), denied packages are MatchSpecs, advisories are the OSV files under
/// <c>advisories/</c>, and an exception excuses one rule for the packages its spec matches, until its expiry date.
/// </summary>
public sealed record PolicyDocument
{
    public const string FileName = Loading.RepositorySources.Policy;

    /// <summary>When given, every package's licence must be one of these (an SPDX expression: one choice of an OR,
    /// every part of an AND).</summary>
    public IReadOnlyList<Located<string>>? AllowedLicences { get; init; }
    public IReadOnlyList<Located<string>> DeniedLicences { get; init; } = [];
    public IReadOnlyList<DeniedPackage> DeniedPackages { get; init; } = [];
    /// <summary>PyPI names that are another name on conda (<c>torch: pytorch</c>), for advisories.</summary>
    public IReadOnlyDictionary<string, string> AdvisoryNames { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<PolicyException> Exceptions { get; init; } = [];
}

/// <summary>A package (and versions) the organisation does not deploy, and why.</summary>
public sealed record DeniedPackage(MatchSpec Spec, string Text, string Reason, SourceLocation Location);

/// <summary>
/// An accepted finding: the <paramref name="Rule"/> (<c>license</c>, <c>package</c>, or an advisory id or alias) for
/// packages matching <paramref name="Package"/>, in the given layers (all when empty), with who accepted it, why, and
/// until when (the last day it holds).
/// </summary>
public sealed record PolicyException(string Rule, MatchSpec Package, string PackageText, IReadOnlyList<string> Layers,
    string Owner, string Reason, DateOnly Expires, SourceLocation Location)
{
    public const string LicenceRule = "license";
    public const string PackageRule = "package";

    public string Describe => $"the exception for {Rule} on '{PackageText}'";
}
