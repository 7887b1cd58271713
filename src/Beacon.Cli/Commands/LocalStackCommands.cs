using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda;
using Beacon.Docker.Building;
using Beacon.Docker.Engine;
using Beacon.Docker.LocalStack;
using Beacon.Images.Planning;
using Beacon.Layers.Diagnostics;

namespace Beacon.Cli.Commands;

/// <summary><c>up</c>, <c>down</c>, <c>status</c>: the local stack as Compose projects on the local engine.</summary>
internal static class LocalStackCommands
{
    public static Command Up(CliConsole console) => Define(console, "up", "Run each workload group of the local stack as a Compose project: images the stack's builder defines (docker: built when missing; oci: pulled by digest), every workload whose image exists.",
        async (run, session, token) =>
        {
            using var client = DockerClient.Connect(run.Console.Environment);
            await client.PingAsync(token);
            using var access = new EngineAccess(run.Console, client);
            // Builds (docker) and pulls (oci) show their bytes: a live view at a terminal, timestamped lines in CI.
            var result = await run.WithProgressAsync((updates, message) => LocalStackRunner.UpAsync(session, client, access.Locator, message, updates, token));
            Print(run, "up", result.Groups);
            foreach (var n in result.NotStarted)
            {
                run.Err.WriteLine($"not started  {n.Workload} (layer {n.Layer}): {n.Reason}");
            }
            return result.Success ? ExitCodes.Success : ExitCodes.CheckFailed;
        });

    public static Command Down(CliConsole console) => Define(console, "down", "Stop and remove the local stack's Compose projects.",
        (run, session, _) => Task.FromResult(Print(run, "down", LocalStackRunner.Down(session))));

    public static Command Status(CliConsole console) => Define(console, "status", "List the containers of the local stack's Compose projects.",
        (run, session, _) =>
        {
            var result = LocalStackRunner.Status(session);
            run.Out.Write(result.Output.Length == 0 ? "nothing runs\n" : result.Output);
            return Task.FromResult(result.ExitCode == 0 ? ExitCodes.Success : ExitCodes.InternalError);
        });

    private static int Print(CommandRun run, string verb, IReadOnlyList<GroupResult> results)
    {
        foreach (var r in results)
        {
            run.Out.WriteLine(r.Success ? $"{verb}  {r.Group}" : $"FAILED  {r.Group}\n{r.Output}");
        }
        return results.All(r => r.Success) ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    private static Command Define(CliConsole console, string name, string description, Func<CommandRun, StackSession, CancellationToken, Task<int>> body)
    {
        var stack = Options.Stack("The local stack (default: the first one).");
        var repo = Options.Repo();
        var command = new Command(name, description) { stack, repo };
        command.SetAction(async (parse, token) =>
        {
            var run = new CommandRun(console, name, json: false);
            if (StackCommands.Open(run, parse.GetValue(repo), parse.GetValue(stack), out var exit, new StackOptions { LocalOnly = true }) is not { } session)
            {
                return exit;
            }
            try
            {
                return await body(run, session, token);
            }
            catch (Exception e) when (EngineAccess.Fail(run, e) is { } failed)
            {
                return failed;
            }
            catch (FileWriteException e)
            {
                return run.Fail(DiagnosticCode.OutputNotWritable, e.Message);
            }
        });
        return command;
    }
}
