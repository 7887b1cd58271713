using Beacon.Conda.Parsing;
using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Layers.Diagnostics;
using Beacon.Images.Diff;
using Beacon.Layers.Git;
using Beacon.Pulumi.Deployment;
using Beacon.Layers.Rendering;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon diff --base &lt;ref&gt;</c>: a Markdown summary of what the working tree changes, for a pull-request comment.</summary>
internal static class DiffCommand
{
    public static Command Create(CliConsole console)
    {
        var baseRef = Options.Text("--base", "The git ref to compare with (e.g. origin/main).", "ref", "-b");
        baseRef.Required = true;
        var repo = Options.Repo();
        var json = Options.Json();
        var command = new Command("diff", "Markdown (or --json) summary of what the working tree changes against a git ref: layers and packages, and per stack images, workload placements and node pools.")
        {
            baseRef, repo, json,
        };
        command.SetAction(parse => Run(new CommandRun(console, "diff", parse.GetValue(json)), parse.GetValue(repo), parse.GetValue(baseRef)!));
        return command;
    }

    private static int Run(CommandRun run, string? repo, string baseRef)
    {
        if (Repository.Load(run, repo, out var exit) is not { } head)
        {
            return exit;
        }
        ChangeSummary diff;
        try
        {
            diff = DeploymentChanges.Against(head, baseRef, out var baseProblems);
            if (baseProblems > 0)
            {
                run.Progress($"note: the repository at {baseRef} does not load ({Plural.Of(baseProblems, "problem")}); comparing with an empty repository");
            }
        }
        catch (GitException e)
        {
            return run.Fail(DiagnosticCode.InvalidGitRef, e.Message);
        }
        run.Out.Write(run.Json ? diff.ToJson() : diff.ToMarkdown());
        return ExitCodes.Success;
    }
}
