using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Conda;
using Beacon.Docker.Engine;
using Beacon.Docker.Testing;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon test &lt;layer&gt; [--against &lt;stack&gt;] [--junit file]</c>: a layer's tests inside its image.</summary>
internal static class TestCommand
{
    public static Command Create(CliConsole console)
    {
        var layer = Options.Required("layer", "The layer whose image to test.");
        var stack = Options.Stack("The stack whose image of the layer to test (default: the first local stack).");
        var against = Options.Text("--against", "Also run the tests of the workloads this stack places on the layer's parent, inside the candidate image.", "stack");
        var junit = Options.Text("--junit", "Write a JUnit XML report.", "file");
        var timeout = new Option<int>("--timeout") { Description = "Seconds each test may run.", DefaultValueFactory = _ => 300, HelpName = "seconds" };
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 86400)
            {
                r.AddError("--timeout must be between 1 and 86400 seconds");
            }
        });
        var repo = Options.Repo();
        var command = new Command("test", "Run a layer's tests inside its image (a container per test); --against also runs the tests of the workloads its parent serves; --junit writes a report.")
        {
            layer, stack, against, junit, timeout, repo,
        };
        command.SetAction((parse, token) => RunAsync(new CommandRun(console, "test", json: false), parse.GetValue(repo), parse.GetValue(stack), parse.GetValue(layer)!,
            parse.GetValue(against), parse.GetValue(junit), parse.GetValue(timeout), token));
        return command;
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, string? stackName, string layerName, string? againstName, string? junit, int timeout,
        CancellationToken token)
    {
        if (StackCommands.Open(run, repo, stackName, out var exit) is not { } session)
        {
            return exit;
        }
        if (StackCommands.Image(run, session, layerName, out exit) is not { } image)
        {
            return exit;
        }
        StackDocument? against = null;
        if (againstName is not null)
        {
            if ((against = session.Workspace.Stack(againstName)) is null)
            {
                return run.Fail(DiagnosticCode.UnknownStackArgument, $"--against: no stack '{againstName}'");
            }
            if (session.Workspace.Tree[layerName].IsRoot)
            {
                return run.Fail(DiagnosticCode.InvalidCommandLine, $"--against tests a layer in its parent's place; '{layerName}' is the root and has no parent");
            }
        }
        try
        {
            using var client = DockerClient.Connect(run.Console.Environment);
            await client.PingAsync(token);
            using var access = new EngineAccess(run.Console, client);
            var evidence = new TestEvidence(session.Workspace.FullPath(TestEvidence.DefaultPath));
            if (await new LayerTestRun(client, access.Locator, evidence).RunAsync(session, layerName, against, TimeSpan.FromSeconds(timeout), token) is not { } outcome)
            {
                return run.Fail(DiagnosticCode.ImageNotBuilt, $"{image.Reference} is not built; run 'beacon build {layerName}'", ExitCodes.CheckFailed);
            }
            foreach (var r in outcome.Results)
            {
                run.Out.WriteLine($"{(r.Passed ? "pass" : r.TimedOut ? "TIMEOUT" : $"FAIL ({r.ExitCode})")}  {r.Suite}: {r.Command}");
                if (!r.Passed)
                {
                    run.Out.Write(TextBlock.Indent(r.Output, "      "));
                }
            }
            if (junit is not null)
            {
                AtomicFile.WriteAllText(run.Console.FullPath(junit), LayerTester.JUnit(outcome.Results));
            }
            var id = outcome.Image.Inspect.Id;
            run.Out.WriteLine($"{outcome.Results.Count(r => r.Passed)} passed, {outcome.Results.Count(r => !r.Passed)} failed ({outcome.Image.Reference}, image {id[..Math.Min(19, id.Length)]})");
            return outcome.Passed ? ExitCodes.Success : ExitCodes.CheckFailed;
        }
        catch (FileWriteException e)
        {
            return run.Fail(DiagnosticCode.OutputNotWritable, e.Message);
        }
        catch (Exception e) when (EngineAccess.Fail(run, e) is { } failed)
        {
            return failed;
        }
    }
}
