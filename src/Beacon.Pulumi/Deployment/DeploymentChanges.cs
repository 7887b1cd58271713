using Beacon.Images.Diff;
using Beacon.Layers.Diff;
using Beacon.Layers.Loading;

namespace Beacon.Pulumi.Deployment;

/// <summary>
/// What a change does to the deployments, the one way <c>beacon diff</c> (the pull-request comment) and
/// <c>beacon stacks --affected</c> (the workflows' preview and deploy matrix) compute it: the <see cref="ChangeSummary"/>
/// of the two revisions with each stack's Pulumi program as the deployment program, so a setting that reaches a
/// deployment only through the program (or through the stack file, which Pulumi reads itself) makes its stack
/// affected, and nothing else does.
/// </summary>
public static class DeploymentChanges
{
    /// <param name="recordOf">The channel's record of a locked package, to judge the policy in the summary; null: not judged.</param>
    public static ChangeSummary Compute(string baseRef, Workspace? baseWorkspace, Workspace head,
        Func<Conda.Locks.LockedPackage, Conda.Records.PackageRecord?>? recordOf = null) =>
        ChangeSummary.Compute(baseRef, baseWorkspace, head, session => Synthesizer.Synthesize(session).Program, recordOf);

    /// <summary>
    /// The summary against <paramref name="baseRef"/> of the repository's git history (a <see cref="GitSnapshot"/>).
    /// A base that does not load is compared as an empty repository; <paramref name="baseProblems"/> says so.
    /// </summary>
    public static ChangeSummary Against(Workspace head, string baseRef, out int baseProblems,
        Func<Conda.Locks.LockedPackage, Conda.Records.PackageRecord?>? recordOf = null)
    {
        using var snapshot = GitSnapshot.At(head.Root, baseRef);
        var loaded = WorkspaceLoader.Load(snapshot.Root);
        baseProblems = loaded.Success ? 0 : loaded.Diagnostics.Count;
        return Compute(baseRef, loaded.Success ? loaded.Workspace : null, head, recordOf);
    }
}
