using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda.Net;
using Beacon.Docker.Publishing;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Oci.Registry;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon stages --stack S</c>: each layer's stage in the repository next to the stage tags in the stack's registry.</summary>
internal static class StagesCommand
{
    public static Command Create(CliConsole console)
    {
        var stack = Options.Stack("The stack whose registry to read (default: the first local stack).");
        var repo = Options.Repo();
        var command = new Command("stages", "Compare each layer's stage with the <layer>:<stage> tags in the stack's registry; exit 1 where they disagree (an unfinished publish, a stage set by hand).")
        {
            stack, repo,
        };
        command.SetAction((parse, token) => RunAsync(new CommandRun(console, "stages", json: false), parse.GetValue(repo), parse.GetValue(stack), token));
        return command;
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, string? stackName, CancellationToken token)
    {
        if (StackCommands.Open(run, repo, stackName, out var exit) is not { } session)
        {
            return exit;
        }
        if (session.Plan.CreateRegistry)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, $"stack '{session.Stack.Name}' names no beacon:registry: its registry is created by Pulumi and has no stage tags to compare");
        }
        using var http = BeaconHttp.Create();
        IReadOnlyList<LayerStage> stages;
        try
        {
            stages = await new StageAudit(new RegistryClient(http, RegistryCredentials.FromEnvironment(run.Console.Environment))).AuditAsync(session, token);
        }
        catch (RegistryException e)
        {
            return run.Fail(DiagnosticCode.RegistryRefused, e.Message, ExitCodes.CheckFailed);
        }
        var width = stages.Max(s => s.Layer.Length);
        foreach (var s in stages)
        {
            var tags = s.RegistryTags.Count == 0 ? "none" : string.Join(", ", s.RegistryTags.Select(t => t.ToText()));
            run.Out.WriteLine($"{s.Layer.PadRight(width)}  stage: {s.FileStage.ToText(),-12}  registry: {tags}");
        }
        var disagreements = stages.Where(s => s.Disagreement is not null).ToList();
        run.Report([.. disagreements.Select(s => Diagnostic.Error(new SourceLocation(s.File), DiagnosticCode.StageDisagrees, s.Disagreement!))]);
        return disagreements.Count == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
    }
}
