using Beacon.Cli.Output;
using Beacon.Layers.Loading;
using Beacon.Layers.Rendering;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary>
/// <c>beacon pipeline</c>: the whole offline pipeline in one run, as CI and the README's first command use it.
/// Today: validate → graph. Each later stage (check, route, plan) appends its step here.
/// </summary>
public sealed class PipelineCommand : Command<RepositoryCommandSettings>
{
    public override int Execute(CommandContext context, RepositoryCommandSettings settings, CancellationToken cancellationToken)
    {
        var root = settings.RepositoryRoot;
        var result = WorkspaceLoader.Load(root);
        DiagnosticPrinter.Print(result.Diagnostics, Console.Error);
        if (!result.Success)
        {
            Console.Out.WriteLine("1. validate  FAILED (diagnostics above)");
            return ExitCodes.InvalidInput;
        }
        var w = result.Workspace!;
        Console.Out.WriteLine($"1. validate  ok: {w.Tree.Count} layers, {w.Workloads.Count} workloads, {w.Stacks.Count} stacks");
        Console.Out.WriteLine("2. graph");
        Console.Out.Write(Indent(GraphRenderer.Text(w), "   "));
        return ExitCodes.Success;
    }

    private static string Indent(string text, string prefix) =>
        string.Concat(text.Split('\n').Select((l, i) => l.Length == 0 ? (i == 0 ? "" : "\n") : prefix + l + "\n")).TrimEnd('\n') + "\n";
}
