using Beacon.Conda.Parsing;
using Beacon.Conda.Net;
using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda;
using Beacon.Images.Planning;
using Beacon.Layers.Diagnostics;
using Beacon.Pulumi;
using Beacon.Layers.Rendering;

namespace Beacon.Cli.Commands;

/// <summary><c>plan</c>, <c>synth</c> and <c>render</c>: one stack's plan as a tree, as a Pulumi program, as files.</summary>
internal static class StackCommands
{
    /// <summary>plan, synth and render reuse a gate pass on the same contents (<see cref="Layers.Gate.GateCache"/>).</summary>
    private static StackOptions Cached(CliConsole console) => new()
    {
        GateCache = Layers.Gate.GateCache.InCacheDirectory(Conda.Channels.ChannelLoader.DefaultCacheDirectory(console.Environment)),
    };

    /// <summary>The stack session every stack command starts from; null (and the exit code) when it cannot be had.</summary>
    public static StackSession? Open(CommandRun run, string? repo, string? stack, out int exitCode, StackOptions? options = null)
    {
        using var http = BeaconHttp.Create();
        var opening = StackSessions.Open(Repository.Root(run, repo), stack,
            (options ?? new StackOptions()) with { Channels = ChannelAccess.Loader(run.Console, http, offline: false) });
        if (opening.Session is null)
        {
            exitCode = run.Stopped(opening);
            return null;
        }
        run.Report(opening.Diagnostics);
        exitCode = ExitCodes.Success;
        return opening.Session;
    }

    /// <summary>The stack's image of a layer named on the command line, or the diagnostic: unknown layer, or not deployed.</summary>
    public static PlannedImage? Image(CommandRun run, StackSession session, string layer, out int exitCode)
    {
        exitCode = ExitCodes.Success;
        if (session.Plan.Images.FirstOrDefault(i => i.Layer == layer) is { } image)
        {
            return image;
        }
        exitCode = run.Fail(session.Workspace.Tree.Contains(layer) ? DiagnosticCode.LayerNotDeployed : DiagnosticCode.UnknownLayerArgument,
            $"stack '{session.Stack.Name}' deploys no layer '{layer}'");
        return null;
    }

    public static Command Plan(CliConsole console)
    {
        var stack = Options.Stack(required: true);
        var repo = Options.Repo();
        var command = new Command("plan", "A preview tree of what a stack deploys: images in build order, node pools, workloads by group.") { stack, repo };
        command.SetAction(parse =>
        {
            var run = new CommandRun(console, "plan", json: false);
            if (Open(run, parse.GetValue(repo), parse.GetValue(stack), out var exit, Cached(console)) is not { } session)
            {
                return exit;
            }
            run.Out.Write(PlanText.Tree(session.Plan));
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Synth(CliConsole console)
    {
        var stack = Options.Stack(required: true);
        var repo = Options.Repo();
        var command = new Command("synth", "Print the stack's Pulumi YAML program (what `pulumi preview` runs) and write its build contexts.") { stack, repo };
        command.SetAction(parse =>
        {
            var run = new CommandRun(console, "synth", json: false);
            if (Open(run, parse.GetValue(repo), parse.GetValue(stack), out var exit, Cached(console)) is not { } session)
            {
                return exit;
            }
            var synthesis = Synthesizer.Synthesize(session);
            try
            {
                Synthesizer.WriteFiles(session.Workspace, synthesis);
            }
            catch (FileWriteException e)
            {
                return run.Fail(DiagnosticCode.OutputNotWritable, e.Message);
            }
            run.Out.Write(synthesis.Program);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Render(CliConsole console)
    {
        var stack = Options.Stack(required: true);
        var output = Options.Text("--out", "Where to write the files (created if missing).", "dir", "-o");
        output.Required = true;
        var repo = Options.Repo();
        var command = new Command("render", "Write build contexts, compose files, Kubernetes manifests and the Pulumi program for a stack, for use without Pulumi.")
        {
            stack, output, repo,
        };
        command.SetAction(parse =>
        {
            var run = new CommandRun(console, "render", json: false);
            if (Open(run, parse.GetValue(repo), parse.GetValue(stack), out var exit, Cached(console)) is not { } session)
            {
                return exit;
            }
            var files = Rendering.Files(session);
            var directory = console.FullPath(parse.GetValue(output)!);
            try
            {
                Rendering.Write(directory, files);
            }
            catch (FileWriteException e)
            {
                return run.Fail(DiagnosticCode.OutputNotWritable, $"{e.Message}; nothing was written");
            }
            run.Out.WriteLine($"wrote {Plural.Of(files.Count, "file")} to {parse.GetValue(output)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
