using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Docker.Engine;
using Beacon.Docker.Workspaces;
using Beacon.Images.Planning;
using Beacon.Layers.Diagnostics;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon workspace up|down|list</c>: developers' workspaces (developers/*.yaml) on the local engine.</summary>
internal static class WorkspaceCommand
{
    public static Command Create(CliConsole console)
    {
        var workspace = new Command("workspace", "Developer workspaces (developers/<name>.yaml): Jupyter Server in their layer, on their hardware, with a home volume.");
        workspace.Subcommands.Add(Up(console));
        workspace.Subcommands.Add(Down(console));
        workspace.Subcommands.Add(List(console));
        return workspace;
    }

    private static Command Up(CliConsole console)
    {
        var name = Options.Required("developer", "The developer (developers/<name>.yaml).");
        var stack = Options.Stack("The local stack (default: the first local stack).");
        var profile = Options.Text("--profile", "One of the developer's exploratory hardware profiles instead of their own.", "profile");
        var layer = Options.Text("--layer", "Another layer the stack deploys instead of the developer's default.", "layer");
        var repo = Options.Repo();
        var command = new Command("up", "Start a developer's workspace on the local engine (needs JUPYTER_TOKEN in the environment) and print its URL.")
        {
            name, stack, profile, layer, repo,
        };
        command.SetAction(parse => Run(new CommandRun(console, "workspace up", json: false), parse.GetValue(repo), parse.GetValue(stack), parse.GetValue(name)!,
            parse.GetValue(profile), parse.GetValue(layer), down: false, removeHome: false));
        return command;
    }

    private static Command Down(CliConsole console)
    {
        var name = Options.Required("developer", "The developer (developers/<name>.yaml).");
        var stack = Options.Stack("The local stack (default: the first local stack).");
        var removeHome = Options.Flag("--remove-home", "Also delete the workspace's home volume (its files are lost).");
        var repo = Options.Repo();
        var command = new Command("down", "Stop a developer's workspace; its home volume stays unless --remove-home.") { name, stack, removeHome, repo };
        command.SetAction(parse => Run(new CommandRun(console, "workspace down", json: false), parse.GetValue(repo), parse.GetValue(stack), parse.GetValue(name)!,
            null, null, down: true, removeHome: parse.GetValue(removeHome)));
        return command;
    }

    private static Command List(CliConsole console)
    {
        var stack = Options.Stack("The stack (default: the first local stack).");
        var repo = Options.Repo();
        var command = new Command("list", "The stack's developer workspaces: layer, hardware, exploratory profiles, port.") { stack, repo };
        command.SetAction(parse =>
        {
            var run = new CommandRun(console, "workspace list", json: false);
            if (StackCommands.Open(run, parse.GetValue(repo), parse.GetValue(stack), out var exit) is not { } session)
            {
                return exit;
            }
            foreach (var ws in session.Plan.Workspaces)
            {
                run.Out.WriteLine($"{ws.Name,-20} layer {ws.Layer,-16} {ws.Hardware.Name,-12} may use [{string.Join(", ", ws.Exploratory.Select(e => e.Name))}]  port {ws.Port}  home {ws.Storage}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static int Run(CommandRun run, string? repo, string? stackName, string name, string? profile, string? layer, bool down, bool removeHome)
    {
        if (StackCommands.Open(run, repo, stackName, out var exit, new StackOptions { LocalOnly = true }) is not { } session)
        {
            return exit;
        }
        try
        {
            var ws = WorkspaceRunner.Resolve(session, name, profile, layer);
            if (down)
            {
                var stopped = WorkspaceRunner.Down(session, ws, removeHome);
                run.Err.Write(stopped.Output);
                if (stopped.ExitCode != 0)
                {
                    return run.Fail(DiagnosticCode.EngineRefused, $"docker compose down failed for workspace '{name}' (exit {stopped.ExitCode})", ExitCodes.CheckFailed);
                }
                run.Out.WriteLine($"stopped workspace {name}{(removeHome ? " and removed its home volume" : " (its home volume is kept)")}");
                return ExitCodes.Success;
            }
            var (file, result) = WorkspaceRunner.Up(session, ws);
            run.Err.Write(result.Output);
            if (result.ExitCode != 0)
            {
                return run.Fail(DiagnosticCode.EngineRefused, $"docker compose up failed for workspace '{name}' (exit {result.ExitCode}; {Path.GetRelativePath(session.Workspace.Root, file)})", ExitCodes.CheckFailed);
            }
            run.Out.WriteLine($"workspace {name}: layer {ws.Layer}, {ws.Hardware.Name}; http://127.0.0.1:{ws.Port}/?token=$JUPYTER_TOKEN");
            return ExitCodes.Success;
        }
        catch (WorkspaceException e)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, e.Message);
        }
        catch (Exception e) when (EngineAccess.Fail(run, e) is { } failed)
        {
            return failed;
        }
    }
}
