using System.ComponentModel;
using Beacon.Cli.Output;
using Beacon.Docker.Engine;
using Beacon.Images.Planning;
using Beacon.Pulumi;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.Layers.Routing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary>Shared steps of the Docker-backed commands: load, gate, pick the stack, plan.</summary>
internal static class DockerCommand
{
    public static (Workspace? Workspace, StackDocument? Stack, Plan? Plan, int Exit) Prepare(RepositoryCommandSettings settings, string? stackName, bool localOnly)
    {
        var (workspace, stack, exit) = StackCommand.Prepare(settings, stackName, localOnly);
        if (workspace is null)
        {
            return (null, null, null, exit);
        }
        Plan? plan = null;
        exit = StackCommand.Guard("plan", () =>
        {
            plan = Planner.Build(workspace, stack!);
            return ExitCodes.Success;
        });
        return plan is null ? (null, null, null, exit) : (workspace, stack, plan, ExitCodes.Success);
    }

    /// <summary>Prepares the stack and finds the planned image of one layer (exit 2 when the stack does not deploy it).</summary>
    public static (Workspace? Workspace, PlannedImage? Image, int Exit) PrepareLayer(RepositoryCommandSettings settings, string? stackName, string layer)
    {
        var (workspace, _, plan, exit) = Prepare(settings, stackName, localOnly: false);
        if (plan is null)
        {
            return (null, null, exit);
        }
        var image = plan.Images.FirstOrDefault(i => i.Layer == layer);
        if (image is null)
        {
            Console.Error.WriteLine($"error {DiagnosticCodes.Id(DiagnosticCode.UnknownParent)}: the stack deploys no layer '{layer}'");
            return (null, null, ExitCodes.InvalidInput);
        }
        return (workspace, image, ExitCodes.Success);
    }

    /// <summary>Writes the stack's build and compose files and returns each workload group's compose file.</summary>
    public static IReadOnlyList<(string Group, string File)> ComposeFiles(Workspace workspace, StackDocument stack, Plan plan)
    {
        Synthesizer.WriteFiles(workspace, Synthesizer.Synthesize(workspace, stack));
        return plan.Groups.Select(g => (g, workspace.FullPath($".beacon/build/{stack.Name}/compose/{g}.yaml"))).ToList();
    }

    public static string RecordPath(Workspace workspace) => workspace.FullPath(".beacon/test-results.json");
}

/// <summary><c>beacon test &lt;layer&gt; [--against &lt;stack&gt;] [--junit file]</c>.</summary>
public sealed class TestCommand : AsyncCommand<TestCommand.Settings>
{
    public sealed class Settings : RepositoryCommandSettings
    {
        [CommandArgument(0, "<LAYER>")]
        public string Layer { get; init; } = "";

        [CommandOption("-s|--stack <STACK>")]
        [Description("The stack whose image of the layer to test (default: the first local stack).")]
        public string? Stack { get; init; }

        [CommandOption("--against <STACK>")]
        [Description("Also run the tests of the workloads this stack routes to the layer's parent, inside the candidate image.")]
        public string? Against { get; init; }

        [CommandOption("--junit <FILE>")]
        [Description("Write a JUnit XML report.")]
        public string? JUnit { get; init; }

        [CommandOption("--timeout <SECONDS>")]
        [DefaultValue(300)]
        public int Timeout { get; init; } = 300;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (workspace, image, exit) = DockerCommand.PrepareLayer(settings, settings.Stack, settings.Layer);
        if (image is null)
        {
            return exit;
        }
        var layer = workspace!.Tree[settings.Layer];
        var suites = new List<(string Suite, IReadOnlyList<string> Commands)> { ($"layer {layer.Name}", layer.Tests) };
        if (settings.Against is { } against)
        {
            var stack = workspace.Stack(against);
            if (stack is null || layer.Parent is not { } parent)
            {
                Console.Error.WriteLine($"error {DiagnosticCodes.Id(DiagnosticCode.InvalidStackName)}: --against needs a stack, and a layer with a parent");
                return ExitCodes.InvalidInput;
            }
            var router = Router.FromDisk(workspace);
            foreach (var w in workspace.Workloads.Where(w => (w.Layer?.Value ?? router.Route(w, stack).Layer) == parent.Value && w.Tests.Count > 0))
            {
                suites.Add(($"workload {w.Name} (runs on {parent.Value} in {against})", w.Tests));
            }
        }
        try
        {
            using var client = DockerClient.Connect();
            var inspect = await client.InspectImageAsync(image.Reference.ToString(), cancellationToken);
            if (inspect is null)
            {
                Console.Error.WriteLine($"beacon test: {image.Reference} is not built; run 'beacon build {layer.Name}'");
                return ExitCodes.CheckFailed;
            }
            var tester = new LayerTester(client);
            var results = new List<TestCaseResult>();
            foreach (var (suite, commands) in suites)
            {
                results.AddRange(await tester.RunAsync(image.Reference.ToString(), suite, commands, TimeSpan.FromSeconds(settings.Timeout), cancellationToken));
            }
            foreach (var r in results)
            {
                Console.Out.WriteLine($"{(r.Passed ? "pass" : r.TimedOut ? "TIMEOUT" : $"FAIL ({r.ExitCode})")}  {r.Suite}: {r.Command}");
                if (!r.Passed)
                {
                    Console.Out.Write(TextBlock.Indent(r.Output, "      "));
                }
            }
            if (settings.JUnit is { } junit)
            {
                Beacon.Conda.AtomicFile.WriteAllText(junit, LayerTester.JUnit(results));
            }
            var passed = results.All(r => r.Passed);
            new TestRecord(DockerCommand.RecordPath(workspace)).Record(inspect.Id, layer.Name, passed, results.Count);
            Console.Out.WriteLine($"{results.Count(r => r.Passed)} passed, {results.Count(r => !r.Passed)} failed ({image.Reference}, image {inspect.Id[..19]})");
            return passed ? ExitCodes.Success : ExitCodes.CheckFailed;
        }
        catch (DockerUnavailableException e)
        {
            return StackCommand.Unavailable("test", e);
        }
    }
}

/// <summary><c>beacon publish &lt;layer&gt; --stage production</c>: promote a layer whose exact image passed its tests.</summary>
public sealed class PublishCommand : AsyncCommand<PublishCommand.Settings>
{
    public sealed class Settings : RepositoryCommandSettings
    {
        [CommandArgument(0, "<LAYER>")]
        public string Layer { get; init; } = "";

        [CommandOption("--stage <STAGE>")]
        [DefaultValue("production")]
        public string Stage { get; init; } = "production";

        [CommandOption("-s|--stack <STACK>")]
        public string? Stack { get; init; }

        public override ValidationResult Validate() =>
            Stages.TryParse(Stage, out _) ? ValidationResult.Success() : ValidationResult.Error($"--stage must be experimental or production, not '{Stage}'");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (workspace, image, exit) = DockerCommand.PrepareLayer(settings, settings.Stack, settings.Layer);
        if (image is null)
        {
            return exit;
        }
        try
        {
            using var client = DockerClient.Connect();
            var inspect = await client.InspectImageAsync(image.Reference.ToString(), cancellationToken);
            if (inspect is null)
            {
                Console.Error.WriteLine($"beacon publish: {image.Reference} is not built; run 'beacon build {settings.Layer}' and 'beacon test {settings.Layer}'");
                return ExitCodes.CheckFailed;
            }
            if (!new TestRecord(DockerCommand.RecordPath(workspace!)).Passed(inspect.Id, settings.Layer))
            {
                Console.Error.WriteLine($"beacon publish: refused: the tests of '{settings.Layer}' have not passed for image {inspect.Id[..19]}; run 'beacon test {settings.Layer}' first");
                return ExitCodes.CheckFailed;
            }
            var layer = workspace!.Tree[settings.Layer];
            var file = workspace.FullPath(layer.File);
            var text = File.ReadAllText(file);
            var updated = System.Text.RegularExpressions.Regex.IsMatch(text, "(?m)^stage:.*$")
                ? System.Text.RegularExpressions.Regex.Replace(text, "(?m)^stage:.*$", $"stage: {settings.Stage}")
                : text.TrimEnd('\n') + $"\nstage: {settings.Stage}\n";
            // The registry first: the layer file says 'production' only once the image really is there.
            await client.TagAsync(image.Reference.ToString(), $"{image.Reference.Registry}/{image.Reference.Repository}", settings.Stage, cancellationToken);
            var digest = await client.PushAsync($"{image.Reference.Registry}/{image.Reference.Repository}", settings.Stage, null, null, cancellationToken);
            Beacon.Conda.AtomicFile.WriteAllText(file, updated);
            Console.Out.WriteLine($"published {settings.Layer}: {layer.File} now says 'stage: {settings.Stage}' (commit it in a pull request); {image.Reference.Registry}/{image.Reference.Repository}:{settings.Stage} → {digest}");
            return ExitCodes.Success;
        }
        catch (DockerApiException e)
        {
            Console.Error.WriteLine($"beacon publish: {e.Message}");
            return ExitCodes.CheckFailed;
        }
        catch (DockerUnavailableException e)
        {
            return StackCommand.Unavailable("publish", e);
        }
    }
}

public sealed class LocalStackSettings : RepositoryCommandSettings
{
    [CommandOption("-s|--stack <STACK>")]
    [Description("The local stack (default: the first one).")]
    public string? Stack { get; init; }
}

/// <summary><c>beacon up</c>: build what is missing and run each workload group as a Compose project.</summary>
public sealed class UpCommand : AsyncCommand<LocalStackSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, LocalStackSettings settings, CancellationToken cancellationToken)
    {
        var (workspace, stack, plan, exit) = DockerCommand.Prepare(settings, settings.Stack, localOnly: true);
        if (plan is null)
        {
            return exit;
        }
        return await StackCommand.GuardAsync("up", async () =>
        {
            using var client = DockerClient.Connect();
            var built = await new ImageBuilder(client, line => Console.Error.WriteLine(line)).BuildAsync(plan, cancellationToken: cancellationToken);
            if (built.Any(b => b.Outcome is BuildOutcome.Failed or BuildOutcome.Skipped))
            {
                Console.Error.WriteLine("beacon up: an image did not build; nothing was started");
                return ExitCodes.CheckFailed;
            }
            foreach (var (group, file) in DockerCommand.ComposeFiles(workspace!, stack!, plan))
            {
                var result = ComposeRunner.Up(group, file);
                Console.Out.WriteLine(result.ExitCode == 0 ? $"up  {group}" : $"FAILED  {group}\n{result.Output}");
                if (result.ExitCode != 0)
                {
                    return ExitCodes.CheckFailed;
                }
            }
            return ExitCodes.Success;
        });
    }
}

/// <summary><c>beacon down</c>: stop and remove the local stack's Compose projects.</summary>
public sealed class DownCommand : Command<LocalStackSettings>
{
    public override int Execute(CommandContext context, LocalStackSettings settings, CancellationToken cancellationToken)
    {
        var (workspace, stack, plan, exit) = DockerCommand.Prepare(settings, settings.Stack, localOnly: true);
        if (plan is null)
        {
            return exit;
        }
        return StackCommand.Guard("down", () =>
        {
            var failed = false;
            foreach (var (group, file) in DockerCommand.ComposeFiles(workspace!, stack!, plan))
            {
                var result = ComposeRunner.Down(group, file);
                Console.Out.WriteLine(result.ExitCode == 0 ? $"down  {group}" : $"FAILED  {group}\n{result.Output}");
                failed |= result.ExitCode != 0;
            }
            return failed ? ExitCodes.CheckFailed : ExitCodes.Success;
        });
    }
}

/// <summary><c>beacon status</c>: what of the local stack runs.</summary>
public sealed class StatusCommand : Command<LocalStackSettings>
{
    public override int Execute(CommandContext context, LocalStackSettings settings, CancellationToken cancellationToken)
    {
        var (_, _, plan, exit) = DockerCommand.Prepare(settings, settings.Stack, localOnly: true);
        if (plan is null)
        {
            return exit;
        }
        return StackCommand.Guard("status", () =>
        {
            var result = ComposeRunner.Status(plan.Groups);
            Console.Out.Write(result.Output.Length == 0 ? "nothing runs\n" : result.Output);
            return result.ExitCode == 0 ? ExitCodes.Success : ExitCodes.InternalError;
        });
    }
}
