using System.CommandLine;
using System.Text.Json.Serialization;
using Beacon.Cli.Hosting;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Git;
using Beacon.Layers.Documents;
using Beacon.Layers.Rendering;
using Beacon.Pulumi.Deployment;

namespace Beacon.Cli.Commands;

/// <summary>
/// <c>beacon stacks [--affected --base ref] [--json]</c>: the stacks, or those a change affects (for a workflow matrix:
/// <c>--json</c> prints a JSON array of names).
/// </summary>
internal static class StacksCommand
{
    public static Command Create(CliConsole console)
    {
        var affected = Options.Flag("--affected", "Only the stacks whose Pulumi program the working tree changes against --base.");
        var baseRef = Options.Text("--base", "The git ref to compare with (with --affected).", "ref", "-b");
        var repo = Options.Repo();
        var json = Options.Json("Print a JSON array of stack names (a workflow matrix).");
        var builder = Options.Text("--builder", "Only the stacks whose beacon:builder is this (docker or oci).", "builder");
        builder.AcceptOnlyFromAmong([.. ImageBuilderKinds.Names]);
        var command = new Command("stacks", "List the stacks (name, cloud, stages), or with --affected --base <ref> those a change needs a preview of.")
        {
            affected, baseRef, repo, json, builder,
        };
        command.SetAction(parse => Run(new CommandRun(console, "stacks", parse.GetValue(json)), parse.GetValue(repo),
            parse.GetValue(affected), parse.GetValue(baseRef), parse.GetValue(builder)));
        return command;
    }

    private static int Run(CommandRun run, string? repo, bool affected, string? baseRef, string? builder)
    {
        if (affected != (baseRef is not null))
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, "--affected and --base go together: name the ref the change is compared with");
        }
        if (Repository.Load(run, repo, out var exit) is not { } head)
        {
            return exit;
        }
        IReadOnlyList<StackDocument> stacks = head.Stacks.OrderBy(s => s.Name, StringComparer.Ordinal)
            .Where(s => builder is null || s.Builder.ToText() == builder).ToList();
        if (affected)
        {
            // The same rule as the pull-request summary (beacon diff): DeploymentChanges.
            try
            {
                var names = DeploymentChanges.Against(head, baseRef!, out _).AffectedStacks;
                stacks = stacks.Where(s => names.Contains(s.Name)).ToList();
            }
            catch (GitException e)
            {
                return run.Fail(DiagnosticCode.InvalidGitRef, e.Message);
            }
        }
        if (run.Json)
        {
            // One line: a workflow puts it in an output (stacks=<json>) and expands it as fromJSON(...) for a matrix.
            run.Out.Write(JsonOptions.Write(stacks.Select(s => s.Name).ToList(), StacksJson.Default.ListString));
        }
        else
        {
            foreach (var s in stacks)
            {
                run.Out.WriteLine($"{s.Name,-28} {s.Cloud.ToText(),-11} {string.Join(", ", s.Stages.Select(x => x.ToText()))}");
            }
        }
        return ExitCodes.Success;
    }
}

[JsonSerializable(typeof(List<string>))]
internal sealed partial class StacksJson : JsonSerializerContext;
