using System.ComponentModel;
using Beacon.Cli.Output;
using Beacon.Layers.Loading;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon validate [path]</c>: load every layer, workload and stack file and report all mistakes.</summary>
public sealed class ValidateCommand : Command<ValidateCommand.Settings>
{
    public sealed class Settings : RepositoryCommandSettings
    {
        [CommandArgument(0, "[PATH]")]
        [Description("The repository to validate (default: --repo or the current folder).")]
        public string? Path { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var root = settings.Path is { } p ? System.IO.Path.GetFullPath(p) : settings.RepositoryRoot;
        var result = WorkspaceLoader.Load(root);
        var summary = result.Workspace is { } w
            ? new { layers = w.Tree.Count, workloads = w.Workloads.Count, stacks = w.Stacks.Count }
            : null;
        if (settings.Json)
        {
            Console.Out.Write(DiagnosticPrinter.Json(result.Diagnostics, result.Success, summary));
        }
        else
        {
            DiagnosticPrinter.Print(result.Diagnostics, Console.Error);
            if (result.Success)
            {
                Console.Out.WriteLine($"valid: {summary!.layers} layers, {summary.workloads} workloads, {summary.stacks} stacks");
            }
            else
            {
                var errors = result.Diagnostics.Count(d => d.Severity == Layers.Diagnostics.Severity.Error);
                Console.Error.WriteLine($"invalid: {errors} error{(errors == 1 ? "" : "s")}");
            }
        }
        return result.Success ? ExitCodes.Success : ExitCodes.InvalidInput;
    }
}
