using Beacon.Conda.Locks;
using Beacon.Conda.Records;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;

namespace Beacon.Layers.Policy;

/// <summary>
/// What a pull request changes in policy terms, for its summary: findings that count in the head and did not in the
/// base (a new package version with an advisory, a licence the policy now denies, an exception that lapsed), and the
/// exceptions the head adds (each an accepted risk a reviewer should see, with its owner and expiry).
/// </summary>
public sealed record PolicyChanges(IReadOnlyList<PolicyFinding> NewFindings, IReadOnlyList<PolicyException> NewExceptions)
{
    public bool Any => NewFindings.Count > 0 || NewExceptions.Count > 0;

    /// <param name="recordOf">The channel's record of a locked package, for both revisions: a package file is the same
    /// file whichever revision names it, so a finding of the head is found in the base whenever the base has it.</param>
    public static PolicyChanges Compare(Workspace? baseWorkspace, IReadOnlyDictionary<string, StoredLock> baseLocks, Workspace head,
        IReadOnlyDictionary<string, StoredLock> headLocks, Func<LockedPackage, PackageRecord?> recordOf, DateOnly today)
    {
        static IReadOnlySet<string> All(Workspace w) => w.Tree.TopologicalOrder.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var before = baseWorkspace is null
            ? new HashSet<string>(StringComparer.Ordinal)
            : PolicyCheck.Judge(baseWorkspace, baseLocks, recordOf, All(baseWorkspace), today).Where(j => j.Counts).Select(j => j.Finding.Key).ToHashSet(StringComparer.Ordinal);
        var findings = PolicyCheck.Judge(head, headLocks, recordOf, All(head), today)
            .Where(j => j.Counts && !before.Contains(j.Finding.Key)).Select(j => j.Finding).ToList();
        static string Identity(PolicyException e) => $"{e.Rule}\n{e.PackageText}\n{string.Join(',', e.Layers)}\n{e.Owner}\n{e.Expires:yyyy-MM-dd}";
        var known = (baseWorkspace?.Policy?.Exceptions ?? []).Select(Identity).ToHashSet(StringComparer.Ordinal);
        var exceptions = (head.Policy?.Exceptions ?? []).Where(e => !known.Contains(Identity(e))).ToList();
        return new PolicyChanges(findings, exceptions);
    }
}
