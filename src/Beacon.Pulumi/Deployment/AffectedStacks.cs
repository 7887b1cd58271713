using Beacon.Conda.Channels;
using Beacon.Images.Planning;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;

namespace Beacon.Pulumi.Deployment;

/// <summary>
/// The stacks a change needs a <c>pulumi preview</c> (and, once merged, a <c>pulumi up</c>) for: those whose Pulumi
/// program differs between the base and the head — which covers every image rebuilt, workload moved or reconfigured,
/// node pool resized and Beacon setting changed, because all of them end up in the program — and those whose stack
/// file changed (provider settings such as aws:region reach Pulumi without the program). A stack new in the head
/// is affected; one whose base or head cannot be planned (a failing gate) is affected too, so its preview shows why.
/// Commit labels are left out on both sides: they depend on history, not on the change.
/// </summary>
public static class AffectedStacks
{
    public static async Task<IReadOnlyList<string>> ComputeAsync(Workspace? baseWorkspace, Workspace head, ChannelLoader loader, CancellationToken cancellationToken = default)
    {
        var headGate = await GateOrNull(head, loader, cancellationToken);
        // The base is what the target branch holds: it passed the gate when it merged, and its snapshot carries only
        // the files Beacon reads (not a channel folder), so it is planned from its locks as they are.
        var baseGate = baseWorkspace is null ? null : new GateResult(baseWorkspace, LockStore.ReadAll(baseWorkspace), []);
        var affected = new List<string>();
        foreach (var stack in head.Stacks.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var after = Program(headGate, stack.Name);
            var before = baseWorkspace?.Stack(stack.Name) is null ? null : Program(baseGate, stack.Name);
            if (after is null || before is null || after != before || StackFileChanged(baseWorkspace!, head, stack.File))
            {
                affected.Add(stack.Name);
            }
        }
        return affected;
    }

    /// <summary>The stack's own file: provider settings (aws:region) reach the deployment without passing through the program.</summary>
    private static bool StackFileChanged(Workspace baseWorkspace, Workspace head, string file)
    {
        var before = baseWorkspace.FullPath(file);
        return !File.Exists(before) || !File.ReadAllBytes(before).AsSpan().SequenceEqual(File.ReadAllBytes(head.FullPath(file)));
    }

    private static async Task<GateResult?> GateOrNull(Workspace workspace, ChannelLoader loader, CancellationToken cancellationToken)
    {
        try
        {
            return await LockGate.RunAsync(workspace, loader, cancellationToken);
        }
        catch (LockChannelException)
        {
            return null;
        }
    }

    private static string? Program(GateResult? gate, string stack)
    {
        if (gate is null)
        {
            return null;
        }
        var opening = StackSessions.Open(gate, stack, new StackOptions { Commits = _ => new Dictionary<string, string>() });
        return opening.Session is null ? null : Synthesizer.Synthesize(opening.Session).Program;
    }
}
