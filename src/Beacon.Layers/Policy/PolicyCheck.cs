using Beacon.Conda.Locks;
using Beacon.Conda.Records;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;

namespace Beacon.Layers.Policy;

/// <summary>One policy finding on one locked package, before exceptions: the rule, and the diagnostic it gives.</summary>
public sealed record PolicyFinding(string Layer, PackageRecord Record, string Rule, Advisory? Advisory, Diagnostic Diagnostic)
{
    /// <summary>What makes a finding the same finding in another revision: layer, package file and rule.</summary>
    public string Key => $"{Layer} {Record.Name}-{Record.Version.Text}-{Record.Build} {Rule}";
}

/// <summary>A finding and the exception that covers it, if any: it counts unless an unexpired exception excuses it.</summary>
public sealed record JudgedFinding(PolicyFinding Finding, PolicyException? Exception, bool Expired)
{
    public bool Counts => Exception is null || Expired;
}

/// <summary>
/// The organisation's policy (<see cref="PolicyDocument"/>, the advisories under <c>advisories/</c>) over the packages
/// each layer adds — inherited packages are the parent's to answer for — judged on the channel's records (the licence
/// is the channel's metadata, never the lock's say). Runs inside the gate, on layers whose locks it verified.
/// An exception excuses a finding until the end of its expiry day (UTC); an expired one fails with its own finding and
/// lets the excused one count again; an exception that excuses nothing is a warning.
/// </summary>
public static class PolicyCheck
{
    public static void Run(Workspace workspace, IReadOnlyDictionary<string, StoredLock> stored, ChannelIndex channels,
        IReadOnlySet<string> trusted, DateOnly today, DiagnosticBag bag)
    {
        if (workspace.Policy is null && workspace.Advisories.Count == 0)
        {
            return;
        }
        var judged = Judge(workspace, stored, p => channels.Find(p.Url, p.Name), trusted, today);
        bag.AddRange(judged.Where(j => j.Counts).Select(j => j.Finding.Diagnostic));
        var policy = workspace.Policy ?? new PolicyDocument();
        var expired = judged.Where(j => j.Expired).Select(j => j.Exception!).ToHashSet();
        var used = judged.Where(j => j.Exception is not null).Select(j => j.Exception!).ToHashSet();
        foreach (var e in policy.Exceptions)
        {
            if (today > e.Expires)
            {
                bag.Error(e.Location, DiagnosticCode.PolicyExceptionExpired,
                    $"{e.Describe} (owner {e.Owner}) expired on {e.Expires:yyyy-MM-dd}; {(expired.Contains(e) ? "its finding counts again: fix it, or renew the exception with a new date" : "delete it")}");
            }
            else if (!used.Contains(e) && trusted.Count == workspace.Tree.TopologicalOrder.Count)
            {
                bag.Add(Diagnostic.Warning(e.Location, DiagnosticCode.PolicyExceptionUnused, $"{e.Describe} excuses nothing any lock holds; delete it"));
            }
        }
    }

    /// <summary>
    /// Every finding on the packages the <paramref name="layers"/> add, with the exception that covers it (if any) and
    /// whether that exception has expired. <paramref name="recordOf"/> gives the channel's record of a locked package
    /// (null: not judged — the gate has refused that lock already).
    /// </summary>
    public static IReadOnlyList<JudgedFinding> Judge(Workspace workspace, IReadOnlyDictionary<string, StoredLock> stored,
        Func<LockedPackage, PackageRecord?> recordOf, IReadOnlySet<string> layers, DateOnly today)
    {
        var policy = workspace.Policy ?? new PolicyDocument();
        var result = new List<JudgedFinding>();
        foreach (var layer in workspace.Tree.TopologicalOrder.Where(l => layers.Contains(l.Name)))
        {
            if (stored.GetValueOrDefault(layer.Name)?.Lock is not { } lockFile)
            {
                continue;
            }
            var inherited = layer.Parent is { } parent && stored.GetValueOrDefault(parent.Value)?.Lock is { } parentLock
                ? parentLock.Packages.Select(p => p.Url).ToHashSet(StringComparer.Ordinal)
                : [];
            for (var i = 0; i < lockFile.Packages.Count; i++)
            {
                var p = lockFile.Packages[i];
                if (inherited.Contains(p.Url) || recordOf(p) is not { } record)
                {
                    continue;
                }
                var at = new SourceLocation(stored[layer.Name].Path, i < lockFile.File.PackageLines.Count ? lockFile.File.PackageLines[i] : 1);
                foreach (var finding in Judge(policy, workspace.Advisories, layer.Name, record, at))
                {
                    var exception = policy.Exceptions.FirstOrDefault(e => Excuses(e, finding));
                    result.Add(new JudgedFinding(finding, exception, exception is not null && today > exception.Expires));
                }
            }
        }
        return result;
    }

    private static bool Excuses(PolicyException e, PolicyFinding finding) =>
        (finding.Advisory is { } a ? a.Names(e.Rule) : e.Rule == finding.Rule)
        && e.Package.Matches(finding.Record)
        && (e.Layers.Count == 0 || e.Layers.Contains(finding.Layer));

    private static IEnumerable<PolicyFinding> Judge(PolicyDocument policy, IReadOnlyList<Advisory> advisories, string layer, PackageRecord r, SourceLocation at)
    {
        var what = $"{r.Name} {r.Version.Text} ({r.Build})";
        const string excuse = "; remove it from the layer, or add an exception to policy.yaml (rule, package, owner, reason, expires)";
        if (policy.AllowedLicences is not null || policy.DeniedLicences.Count > 0)
        {
            var licence = r.License?.Trim();
            if (string.IsNullOrEmpty(licence))
            {
                if (policy.AllowedLicences is not null)
                {
                    yield return Finding(PolicyException.LicenceRule, null, DiagnosticCode.PolicyLicenceNotAllowed,
                        $"{what} has no licence in its channel's metadata, and policy.yaml allows only the licences it lists{excuse}");
                }
            }
            else if (!Licences.Satisfies(licence, Acceptable))
            {
                var denied = Licences.Named(licence).Select(l => (Licence: l, Pattern: policy.DeniedLicences.FirstOrDefault(d => Licences.Matches(d.Value, l))))
                    .FirstOrDefault(x => x.Pattern.Value is not null);
                yield return denied.Licence is not null
                    ? Finding(PolicyException.LicenceRule, null, DiagnosticCode.PolicyLicenceDenied,
                        $"{what} is licensed '{Printable(licence)}', and policy.yaml denies {denied.Licence} ('{denied.Pattern.Value}' at line {denied.Pattern.Location.Line}){excuse}")
                    : Finding(PolicyException.LicenceRule, null, DiagnosticCode.PolicyLicenceNotAllowed,
                        $"{what} is licensed '{Printable(licence)}', which is not among the licences policy.yaml allows{excuse}");
            }
        }
        foreach (var deny in policy.DeniedPackages.Where(d => d.Spec.Matches(r)))
        {
            yield return Finding(PolicyException.PackageRule, null, DiagnosticCode.PolicyPackageDenied,
                $"{what} matches '{deny.Text}', which policy.yaml denies (line {deny.Location.Line}): {Printable(deny.Reason)}{excuse}");
        }
        foreach (var advisory in advisories)
        {
            foreach (var affected in advisory.Affected)
            {
                var named = policy.AdvisoryNames.TryGetValue(affected.Name, out var conda) ? conda == r.Name : affected.Name == Osv.Normalise(r.Name);
                if (named && affected.Affects(r.Version))
                {
                    var fixedIn = affected.Ranges.SelectMany(x => x).Where(e => e.Kind == "fixed").Select(e => e.Version).ToList();
                    yield return Finding(advisory.Id, advisory, DiagnosticCode.PolicyAdvisory,
                        $"{what} is affected by {advisory.Id} ({advisory.File}, PyPI {affected.Name}{(fixedIn.Count > 0 ? $", fixed in {string.Join(", ", fixedIn)}" : "")}): {Printable(advisory.Summary)}{excuse}");
                    break;
                }
            }
        }

        bool Acceptable(string licence) =>
            !policy.DeniedLicences.Any(d => Licences.Matches(d.Value, licence))
            && (policy.AllowedLicences is null || policy.AllowedLicences.Any(a => Licences.Matches(a.Value, licence)));

        PolicyFinding Finding(string rule, Advisory? advisory, DiagnosticCode code, string message) =>
            new(layer, r, rule, advisory, Diagnostic.Error(at, code, message));
    }

    private static string Printable(string text) => Conda.Parsing.Printable.Of(text);
}
