using Beacon.Conda.Parsing;
using Beacon.Conda.Net;
using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.Layers.Rendering;
using Beacon.Pulumi;

namespace Beacon.Cli.Commands;

/// <summary>
/// <c>beacon pipeline</c>: the whole pipeline in one run (offline on the example: its channel is a folder), as CI and the README's first command use it:
/// validate → check (the gate) → the layer tree with package counts and where each workload runs → (with --stack)
/// the stack's plan.
/// </summary>
internal static class PipelineCommand
{
    public static Command Create(CliConsole console)
    {
        var stack = Options.Stack("Route workloads as this stack deploys them (its stages) and show the stack's plan; default: every stage, no plan.");
        var repo = Options.Repo();
        var offline = Options.Offline();
        var format = Options.DiagnosticFormat();
        var command = new Command("pipeline", "The pipeline: validate, check the locks (the deployment gate), draw the tree with where each workload runs, and (with --stack) show the stack's plan.")
        {
            stack, repo, offline, format,
        };
        command.SetAction((parse, token) => RunAsync(new CommandRun(console, "pipeline", json: false, parse.GetValue(format) == "github"), parse.GetValue(repo), parse.GetValue(stack),
            parse.GetValue(offline), token));
        return command;
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, string? stackName, bool offline, CancellationToken token)
    {
        var result = WorkspaceLoader.Load(Repository.Root(run, repo));
        run.Report(result.Diagnostics);
        if (!result.Success)
        {
            run.Out.WriteLine("1. validate  FAILED (diagnostics above)");
            return ExitCodes.InvalidInput;
        }
        var w = result.Workspace!;
        run.Out.WriteLine($"1. validate  ok: {Plural.Of(w.Tree.Count, "layer")}, {Plural.Of(w.Workloads.Count, "workload")}, {Plural.Of(w.Stacks.Count, "stack")}");
        StackDocument? stack = null;
        if (stackName is not null && (stack = w.Stack(stackName)) is null)
        {
            return run.Fail(Layers.Diagnostics.DiagnosticCode.UnknownStackArgument, $"no stack '{stackName}' (stacks/Pulumi.{stackName}.yaml)");
        }

        using var http = BeaconHttp.Create();
        GateResult gate;
        try
        {
            gate = await LockGate.RunAsync(w, ChannelAccess.Loader(run.Console, http, offline), token);
        }
        catch (Beacon.Layers.Locking.LockChannelException e)
        {
            return run.Fail(Layers.Diagnostics.DiagnosticCode.ChannelUnavailable, e.Message);
        }
        run.Report(gate.Diagnostics);
        if (!gate.Passed)
        {
            run.Out.WriteLine($"2. check     FAILED: {Plural.Of(gate.Diagnostics.Count, "problem")} (diagnostics above)");
            return ExitCodes.CheckFailed;
        }
        run.Out.WriteLine("2. check     ok: every lock record is its channel's, every lock current, every child adds to its parent only, every workload placed");

        var router = gate.Router();
        var placed = w.Workloads
            .Where(x => stack is null || x.RunsIn(stack))
            .GroupBy(x => router.Place(x, stack) ?? "(none)")
            .ToDictionary(g => g.Key, g => g.Select(x => x.Name).ToList(), StringComparer.Ordinal);
        run.Out.WriteLine($"3. layers and where workloads run{(stack is null ? "" : $" (stack {stack.Name})")}");
        run.Out.Write(TextBlock.Indent(GraphRenderer.Text(w, layer =>
        {
            var parts = new List<string>();
            if (gate.Locks.TryGetValue(layer.Name, out var l) && l.Lock is not null)
            {
                parts.Add(Plural.Of(l.Lock.Packages.Count, "package"));
            }
            if (placed.TryGetValue(layer.Name, out var names))
            {
                parts.Add("runs " + string.Join(", ", names));
            }
            return string.Join(" · ", parts);
        }), "   "));
        if (stack is null)
        {
            return ExitCodes.Success;
        }
        var opening = StackSessions.Open(gate, stack.Name);
        if (opening.Session is not { } session)
        {
            return run.Stopped(opening);
        }
        var synthesis = Synthesizer.Synthesize(session);
        run.Out.WriteLine($"4. plan for stack {stack.Name} ({synthesis.Resources} Pulumi resources; `beacon synth --stack {stack.Name}` prints the program)");
        run.Out.Write(TextBlock.Indent(PlanText.Tree(session.Plan), "   "));
        return ExitCodes.Success;
    }
}
