using Beacon.Conda.Parsing;
using Beacon.Conda.Net;
using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Layers.Gate;
using Beacon.Layers.Locking;
using Beacon.Layers.Rendering;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon check</c>: the gate before every deployment and on every pull request.</summary>
internal static class CheckCommand
{
    public static Command Create(CliConsole console)
    {
        var repo = Options.Repo();
        var json = Options.Json();
        var offline = Options.Offline();
        var format = Options.DiagnosticFormat();
        var command = new Command("check", "The gate: every lock record checked against its channel, locks current, parents intact, dependencies and system satisfied, every workload placed.") { repo, json, offline, format };
        command.SetAction(async (parse, token) =>
        {
            var run = new CommandRun(console, "check", parse.GetValue(json), parse.GetValue(format) == "github");
            if (Repository.Load(run, parse.GetValue(repo), out var exit) is not { } workspace)
            {
                return exit;
            }
            using var http = BeaconHttp.Create();
            GateResult gate;
            try
            {
                gate = await LockGate.RunAsync(workspace, ChannelAccess.Loader(run.Console, http, parse.GetValue(offline)), token);
            }
            catch (LockChannelException e)
            {
                return run.Fail(Layers.Diagnostics.DiagnosticCode.ChannelUnavailable, e.Message);
            }
            if (run.Json)
            {
                run.Out.Write(JsonOptions.Write(new ReportJson(gate.Passed, new SummaryJson(workspace.Tree.Count), gate.Diagnostics.Select(DiagnosticJson.From).ToList()), CliJson.Styled.ReportJson));
            }
            else
            {
                run.Report(gate.Diagnostics);
                if (gate.Passed)
                {
                    run.Out.WriteLine($"check passed: {Plural.Of(workspace.Tree.Count, "layer lock")} current, parents intact, {Plural.Of(workspace.Workloads.Count, "workload")} placed in {Plural.Of(workspace.Stacks.Count, "stack")}");
                }
                else
                {
                    var errors = gate.Diagnostics.Count(d => d.Severity == Layers.Diagnostics.Severity.Error);
                    run.Err.WriteLine($"check failed: {errors} problem{(errors == 1 ? "" : "s")}");
                }
            }
            return gate.Passed ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }
}
