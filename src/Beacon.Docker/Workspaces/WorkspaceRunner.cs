using Beacon.Conda;
using Beacon.Docker.LocalStack;
using Beacon.Images.Planning;
using Beacon.Images.Rendering;

namespace Beacon.Docker.Workspaces;

/// <summary>Why a workspace cannot start as asked.</summary>
public sealed class WorkspaceException(string message) : Exception(message);

/// <summary>
/// <c>beacon workspace up|down</c>: a developer's workspace on the local engine, as its own Compose project from the
/// same renderer the stack's files come from (<see cref="Compose.ForWorkspace"/>). <c>--profile</c> switches to one of
/// their exploratory profiles, <c>--layer</c> to another layer the stack deploys.
/// </summary>
public static class WorkspaceRunner
{
    public static PlannedWorkspace Resolve(StackSession session, string name, string? profile, string? layer)
    {
        var ws = session.Plan.Workspaces.FirstOrDefault(w => w.Name == name)
            ?? throw new WorkspaceException($"stack '{session.Stack.Name}' has no workspace for developer '{name}' (developers/{name}.yaml; its stacks:)");
        if (profile is not null && profile != ws.Hardware.Name)
        {
            ws = ws with
            {
                Hardware = ws.Exploratory.FirstOrDefault(p => p.Name == profile)
                    ?? throw new WorkspaceException($"developer '{name}' may use {string.Join(", ", ws.Exploratory.Select(p => p.Name).Prepend(ws.Hardware.Name))}, not '{profile}' (exploratory: in developers/{name}.yaml)"),
            };
        }
        if (layer is not null && layer != ws.Layer)
        {
            var image = session.Plan.Images.FirstOrDefault(i => i.Layer == layer)
                ?? throw new WorkspaceException($"stack '{session.Stack.Name}' deploys no layer '{layer}'");
            ws = ws with { Layer = layer, Image = image.Reference };
        }
        return ws;
    }

    public static (string File, ComposeRunner.Result Result) Up(StackSession session, PlannedWorkspace ws)
    {
        var file = WriteCompose(session, ws);
        return (file, ComposeRunner.Up(ws.ObjectName, file));
    }

    /// <summary>Stops the workspace; its home volume stays unless <paramref name="removeHome"/>.</summary>
    public static ComposeRunner.Result Down(StackSession session, PlannedWorkspace ws, bool removeHome) =>
        ComposeRunner.Down(ws.ObjectName, WriteCompose(session, ws), removeHome);

    /// <summary>The workspace's compose file as asked for (with its --profile/--layer), where the stack's files live.</summary>
    private static string WriteCompose(StackSession session, PlannedWorkspace ws)
    {
        var file = session.Workspace.FullPath(BuildPaths.Compose(session.Stack.Name, ws.ObjectName));
        AtomicFile.WriteAllText(file, Compose.ForWorkspace(ws));
        return file;
    }
}
