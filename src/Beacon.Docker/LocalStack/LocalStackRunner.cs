using Beacon.Conda;
using Beacon.Images.Planning;
using Beacon.Images.Rendering;

namespace Beacon.Docker.LocalStack;

/// <summary>One workload group's Compose project and what happened to it.</summary>
public sealed record GroupResult(string Group, bool Success, string Output);

/// <summary>
/// The local stack on the local engine, the way the <c>local</c> Pulumi target deploys it: one Compose project per
/// workload group, from the same compose files (<see cref="Compose"/>) under the stack's build folder.
/// </summary>
public static class LocalStackRunner
{
    /// <summary>Writes each group's compose file (one set, only changed files) and returns the groups with their files.</summary>
    public static IReadOnlyList<(string Group, string File)> WriteComposeFiles(StackSession session)
    {
        var files = session.Plan.Groups.Select(g => (Group: g, File: session.Workspace.FullPath(BuildPaths.Compose(session.Stack.Name, g)), Text: Compose.For(session.Plan, g))).ToList();
        var changed = files.Where(f => !File.Exists(f.File) || File.ReadAllText(f.File) != f.Text)
            .Select(f => new KeyValuePair<string, byte[]>(f.File, AtomicFile.Utf8(f.Text))).ToList();
        if (changed.Count > 0)
        {
            AtomicFile.WriteAll(changed);
        }
        return files.Select(f => (f.Group, f.File)).ToList();
    }

    /// <summary>Starts the groups in order; stops at the first that fails to start.</summary>
    public static IReadOnlyList<GroupResult> Up(StackSession session)
    {
        var results = new List<GroupResult>();
        foreach (var (group, file) in WriteComposeFiles(session))
        {
            results.Add(Result(group, ComposeRunner.Up(group, file)));
            if (!results[^1].Success)
            {
                break;
            }
        }
        return results;
    }

    /// <summary>Stops every group, whatever happens to the others.</summary>
    public static IReadOnlyList<GroupResult> Down(StackSession session) =>
        WriteComposeFiles(session).Select(g => Result(g.Group, ComposeRunner.Down(g.Group, g.File))).ToList();

    /// <summary>"project service state status" lines of the stack's containers.</summary>
    public static ComposeRunner.Result Status(StackSession session) => ComposeRunner.Status(session.Plan.Groups);

    private static GroupResult Result(string group, ComposeRunner.Result r) => new(group, r.ExitCode == 0, r.Output);
}
