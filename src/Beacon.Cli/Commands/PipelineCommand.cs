using System.ComponentModel;
using Beacon.Cli.Output;
using Beacon.Layers.Documents;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Layers.Rendering;
using Beacon.Layers.Routing;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary>
/// <c>beacon pipeline</c>: the whole offline pipeline in one run, as CI and the README's first command use it:
/// validate → check (the gate) → the layer tree with package counts and where each workload runs.
/// </summary>
public sealed class PipelineCommand : Command<PipelineCommand.Settings>
{
    public sealed class Settings : RepositoryCommandSettings
    {
        [CommandOption("-s|--stack <STACK>")]
        [Description("Route workloads as this stack deploys them (its stages) and show the stack's plan; default: every stage, no plan.")]
        public string? Stack { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var result = WorkspaceLoader.Load(settings.RepositoryRoot);
        DiagnosticPrinter.Print(result.Diagnostics, Console.Error);
        if (!result.Success)
        {
            Console.Out.WriteLine("1. validate  FAILED (diagnostics above)");
            return ExitCodes.InvalidInput;
        }
        var w = result.Workspace!;
        Console.Out.WriteLine($"1. validate  ok: {w.Tree.Count} layers, {w.Workloads.Count} workloads, {w.Stacks.Count} stacks");
        StackDocument? stack = null;
        if (settings.Stack is { } name && (stack = w.Stack(name)) is null)
        {
            Console.Error.WriteLine($"beacon pipeline: no stack '{name}' (stacks/Pulumi.{name}.yaml)");
            return ExitCodes.InvalidInput;
        }

        var locks = LockStore.ReadAll(w);
        var gate = LockGate.Check(w, locks);
        DiagnosticPrinter.Print(gate, Console.Error);
        if (gate.Count > 0)
        {
            Console.Out.WriteLine($"2. check     FAILED: {gate.Count} problem(s) (diagnostics above)");
            return ExitCodes.CheckFailed;
        }
        Console.Out.WriteLine("2. check     ok: every lock current, every child adds to its parent only, every workload placed");

        var router = Router.FromStored(w, locks);
        var placed = w.Workloads
            .Where(x => stack is null || x.RunsIn(stack))
            .GroupBy(x => x.Layer?.Value ?? router.Route(x, stack).Layer ?? "(none)")
            .ToDictionary(g => g.Key, g => g.Select(x => x.Name).ToList(), StringComparer.Ordinal);
        Console.Out.WriteLine($"3. layers and where workloads run{(stack is null ? "" : $" (stack {stack.Name})")}");
        Console.Out.Write(TextBlock.Indent(GraphRenderer.Text(w, layer =>
        {
            var parts = new List<string>();
            if (locks.TryGetValue(layer.Name, out var l) && l.Lock is not null)
            {
                parts.Add($"{l.Lock.Packages.Count} packages");
            }
            if (placed.TryGetValue(layer.Name, out var names))
            {
                parts.Add("runs " + string.Join(", ", names));
            }
            return string.Join(" · ", parts);
        }), "   "));
        if (stack is not null)
        {
            try
            {
                var synthesis = Beacon.Pulumi.Synthesizer.Synthesize(w, stack);
                Console.Out.WriteLine($"4. plan for stack {stack.Name} ({synthesis.Program.Split('\n').Count(l => l.StartsWith("    type: ", StringComparison.Ordinal))} Pulumi resources; `beacon synth --stack {stack.Name}` prints the program)");
                Console.Out.Write(TextBlock.Indent(Beacon.Images.Planning.PlanText.Tree(synthesis.Plan), "   "));
            }
            catch (Beacon.Images.Planning.PlanException e)
            {
                Console.Error.WriteLine($"beacon pipeline: {e.Message}");
                return ExitCodes.CheckFailed;
            }
        }
        return ExitCodes.Success;
    }

}
