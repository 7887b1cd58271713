using Beacon.Conda.Parsing;
using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Loading;
using Beacon.Layers.Rendering;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon validate [path]</c>: load every layer, workload and stack file and report all mistakes.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliConsole console)
    {
        var path = Options.Optional("path", "The repository to validate (default: --repo or the current folder).");
        var repo = Options.Repo();
        var json = Options.Json();
        var format = Options.DiagnosticFormat();
        var command = new Command("validate", "Check every layer, workload and stack file; report all mistakes with file(line,col).") { path, repo, json, format };
        command.SetAction(parse =>
        {
            var run = new CommandRun(console, "validate", parse.GetValue(json), parse.GetValue(format) == "github");
            var root = console.FullPath(parse.GetValue(path) ?? parse.GetValue(repo) ?? ".");
            var result = WorkspaceLoader.Load(root);
            var summary = result.Workspace is { } w ? new SummaryJson(w.Tree.Count, w.Workloads.Count, w.Stacks.Count) : null;
            if (run.Json)
            {
                run.Out.Write(JsonOptions.Write(new ReportJson(result.Success, summary, result.Diagnostics.Select(DiagnosticJson.From).ToList()), CliJson.Styled.ReportJson));
            }
            else
            {
                run.Report(result.Diagnostics);
                if (result.Success)
                {
                    run.Out.WriteLine($"valid: {Plural.Of(summary!.Layers, "layer")}, {Plural.Of(summary.Workloads ?? 0, "workload")}, {Plural.Of(summary.Stacks ?? 0, "stack")}");
                }
                else
                {
                    var errors = result.Diagnostics.Count(d => d.Severity == Severity.Error);
                    run.Err.WriteLine($"invalid: {errors} error{(errors == 1 ? "" : "s")}");
                }
            }
            return result.Success ? ExitCodes.Success : ExitCodes.InvalidInput;
        });
        return command;
    }
}
