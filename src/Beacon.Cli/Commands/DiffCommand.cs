using System.ComponentModel;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Diff;
using Beacon.Layers.Git;
using Beacon.Layers.Loading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon diff --base &lt;ref&gt;</c>: a Markdown summary of what the working tree changes, for a pull-request comment.</summary>
public sealed class DiffCommand : Command<DiffCommand.Settings>
{
    public sealed class Settings : RepositoryCommandSettings
    {
        [CommandOption("-b|--base <REF>")]
        [Description("The git ref to compare with (e.g. origin/main).")]
        public string? Base { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Base) ? ValidationResult.Error("--base <git-ref> is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var head = WorkspaceCommand.Load(settings, out var exit);
        if (head is null)
        {
            return exit;
        }
        GitSnapshot snapshot;
        try
        {
            snapshot = GitSnapshot.At(settings.RepositoryRoot, settings.Base!);
        }
        catch (GitException e)
        {
            Console.Error.WriteLine($"beacon diff: error {DiagnosticCodes.Id(DiagnosticCode.InvalidValue)}: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        using (snapshot)
        {
            var baseResult = WorkspaceLoader.Load(snapshot.Root);
            if (!baseResult.Success)
            {
                Console.Error.WriteLine($"note: the layers at {settings.Base} do not load ({baseResult.Diagnostics.Count} problem(s)); comparing with an empty repository");
            }
            var diff = WorkspaceDiff.Compute(settings.Base!, baseResult.Workspace, head);
            Console.Out.Write(settings.Json ? diff.ToJson() : diff.ToMarkdown());
        }
        return ExitCodes.Success;
    }
}
