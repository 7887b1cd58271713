using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Conda.Specs;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Rendering;
using Beacon.Layers.Routing;
using Beacon.Layers.Yaml;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon route &lt;workload&gt; | --requires spec...</c>: the minimum acceptable layer, and why.</summary>
internal static class RouteCommand
{
    public static Command Create(CliConsole console)
    {
        var workload = Options.Optional("workload", "A workload name (its requires and hardware are used).");
        var requires = Options.List("--requires", "Route these MatchSpecs instead of a workload.", "spec", "-r");
        var hardware = Options.Text("--hardware", "The hardware profile the work runs on (default cpu).", "profile");
        var stack = Options.Stack("Only layers whose stage this stack deploys.");
        var platform = Options.Text("--platform", "The platform the work runs on (a conda subdir such as linux-aarch64); default: the workload's, else linux-64 when a root targets it.", "subdir");
        var explain = Options.Flag("--explain", "Say why each smaller layer was rejected.");
        var stage = Options.Text("--stage", "The least stable stage of layer the work may run in (default: the workload's stage:, else the most stable stage that satisfies it).", "stage");
        stage.AcceptOnlyFromAmong([.. Stages.Names]);
        var repo = Options.Repo();
        var json = Options.Json();
        var command = new Command("route", "The minimum acceptable layer for a workload or for specs, and why smaller layers were rejected.")
        {
            workload, requires, hardware, stack, platform, stage, explain, repo, json,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(workload) is null) == (result.GetValue(requires) is not { Length: > 0 }))
            {
                result.AddError("give either a workload name or --requires specs");
            }
        });
        command.SetAction(parse => Run(new CommandRun(console, "route", parse.GetValue(json)), parse.GetValue(repo), parse.GetValue(workload),
            parse.GetValue(requires)!, parse.GetValue(hardware), parse.GetValue(stack), parse.GetValue(platform), parse.GetValue(stage), parse.GetValue(explain)));
        return command;
    }

    private static int Run(CommandRun run, string? repo, string? workloadName, string[] requires, string? hardware, string? stackName, string? platform, string? stageText, bool explain)
    {
        Stage? stage = stageText is not null && Stages.TryParse(stageText, out var parsedStage) ? parsedStage : null;
        if (Repository.Load(run, repo, out var exit) is not { } workspace)
        {
            return exit;
        }
        StackDocument? stack = null;
        if (stackName is not null && (stack = workspace.Stack(stackName)) is null)
        {
            return run.Fail(DiagnosticCode.UnknownStackArgument, $"no stack '{stackName}' (stacks/Pulumi.{stackName}.yaml){Suggestions.DidYouMean(stackName, workspace.Stacks.Select(s => s.Name))}");
        }
        var profiles = workspace.HardwareFor(stack);
        if (hardware is not null && !profiles.ContainsKey(hardware))
        {
            return run.Fail(DiagnosticCode.UnknownHardwareArgument, $"no hardware profile '{hardware}' (known: {string.Join(", ", profiles.Keys)}){Suggestions.DidYouMean(hardware, profiles.Keys)}");
        }
        if (platform is not null && !workspace.Tree.Platforms.Contains(platform))
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, $"--platform {platform}: no root layer targets it (roots: {string.Join(", ", workspace.Tree.Platforms)})");
        }
        var router = Router.FromDisk(workspace);
        RouteResult result;
        if (workloadName is not null)
        {
            var workload = workspace.Workloads.FirstOrDefault(w => w.Name == workloadName);
            if (workload is null)
            {
                return run.Fail(DiagnosticCode.UnknownWorkloadArgument, $"no workload '{workloadName}'{Suggestions.DidYouMean(workloadName, workspace.Workloads.Select(w => w.Name))}");
            }
            result = router.Route(workload.RoutingRequires, hardware ?? workload.Hardware?.Value ?? HardwareProfile.DefaultName, stack, platform ?? workload.Platform?.Value, stage ?? workload.Stage);
        }
        else
        {
            if (CommandSpecs.Parse(run, requires, out var failed) is not { } specs)
            {
                return failed;
            }
            result = router.Route(specs, hardware ?? HardwareProfile.DefaultName, stack, platform, stage);
        }

        if (run.Json)
        {
            run.Out.Write(JsonOptions.Write(new RouteJson(result.Layer, result.Candidates
                .Select(c => new RouteCandidateJson(c.Layer, c.Packages == int.MaxValue ? null : c.Packages, c.Accepted, c.Rejections)).ToList()), CliJson.Styled.RouteJson));
        }
        else
        {
            run.Out.WriteLine(result.Layer is null ? "no acceptable layer" : result.Layer);
            if (explain || result.Layer is null)
            {
                foreach (var c in result.Layer is null ? result.Candidates : result.CloserRejected)
                {
                    run.Out.WriteLine($"  not {c.Layer}{(c.Packages == int.MaxValue ? "" : $" ({c.Packages} packages)")}: {string.Join("; ", c.Rejections)}");
                }
            }
        }
        return result.Layer is null ? ExitCodes.CheckFailed : ExitCodes.Success;
    }
}
