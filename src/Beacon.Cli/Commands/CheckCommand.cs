using Beacon.Cli.Output;
using Beacon.Layers.Gate;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon check</c>: the offline gate before every deployment and on every pull request.</summary>
public sealed class CheckCommand : Command<RepositoryCommandSettings>
{
    public override int Execute(CommandContext context, RepositoryCommandSettings settings, CancellationToken cancellationToken)
    {
        var workspace = WorkspaceCommand.Load(settings, out var exit);
        if (workspace is null)
        {
            return exit;
        }
        var diagnostics = LockGate.Check(workspace);
        if (settings.Json)
        {
            Console.Out.Write(DiagnosticPrinter.Json(diagnostics, diagnostics.Count == 0, new { layers = workspace.Tree.Count }));
        }
        else
        {
            DiagnosticPrinter.Print(diagnostics, Console.Error);
            if (diagnostics.Count == 0)
            {
                Console.Out.WriteLine($"check passed: {workspace.Tree.Count} layer locks current, parents intact, {workspace.Workloads.Count} workloads placed in {workspace.Stacks.Count} stacks");
            }
            else
            {
                Console.Error.WriteLine($"check failed: {diagnostics.Count} problem{(diagnostics.Count == 1 ? "" : "s")}");
            }
        }
        return diagnostics.Count == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
    }
}
