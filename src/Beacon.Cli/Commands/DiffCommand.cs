using Beacon.Conda.Parsing;
using Beacon.Conda.Net;
using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Layers.Diagnostics;
using Beacon.Images.Diff;
using Beacon.Layers.Git;
using Beacon.Pulumi.Deployment;
using Beacon.Layers.Locking;
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
        command.SetAction((parse, token) => RunAsync(new CommandRun(console, "diff", parse.GetValue(json)), parse.GetValue(repo), parse.GetValue(baseRef)!, token));
        return command;
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, string baseRef, CancellationToken token)
    {
        if (Repository.Load(run, repo, out var exit) is not { } head)
        {
            return exit;
        }
        using var http = BeaconHttp.Create();
        Func<Conda.Locks.LockedPackage, Conda.Records.PackageRecord?>? recordOf = null;
        if (head.Policy is not null || head.Advisories.Count > 0)
        {
            // The policy is judged on the channels' records (licences are their metadata), read as 'check' reads them.
            try
            {
                var channels = await ChannelIndex.LoadAsync(head, ChannelAccess.Loader(run.Console, http, offline: false), cancellationToken: token);
                await channels.LoadLocksAsync(LockStore.ReadAll(head).Values.SelectMany(s => s.Lock?.Packages ?? []), token);
                recordOf = p => channels.Find(p.Url, p.Name);
            }
            catch (LockChannelException e)
            {
                run.Progress($"note: the summary leaves the policy out: {e.Message}");
            }
        }
        ChangeSummary diff;
        try
        {
            diff = DeploymentChanges.Against(head, baseRef, out var baseProblems, recordOf);
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
