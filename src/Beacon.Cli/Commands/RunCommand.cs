using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda.Specs;
using Beacon.Docker.Engine;
using Beacon.Docker.Running;
using Beacon.Images.Planning;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;

namespace Beacon.Cli.Commands;

/// <summary>
/// <c>beacon run [--layer X | --requires SPEC…] [--hardware P] [--stack S] [--against STAGE] [--dry-run] [--apply] -- CMD…</c>:
/// a one-off command where routing would put it. A local stack runs it on the engine (output streamed, its exit code
/// passed through); another stack gets a Kubernetes Job manifest (applied with kubectl on --apply).
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var layer = Options.Text("--layer", "Run in this layer instead of routing.", "layer");
        var requires = Options.List("--requires", "Route these MatchSpecs like a workload's requires (the minimum acceptable layer).", "spec", "-r");
        var hardware = Options.Text("--hardware", "The hardware profile (default cpu): a local run gets its CPUs and memory as limits, a Job its requests.", "profile");
        var stack = Options.Stack("The stack whose layers and images to use (default: the first local stack).");
        var against = Options.Text("--against", "Route among the layers of this stage only, e.g. production: try new code against the production environment.", "stage");
        against.AcceptOnlyFromAmong([.. Stages.Names]);
        var platform = Options.Text("--platform", "Route among the layers of this platform (a conda subdir such as linux-aarch64); default: linux-64 when a root targets it.", "subdir");
        var dryRun = Options.Flag("--dry-run", "Print the layer, the image and the command; run nothing.");
        var apply = Options.Flag("--apply", "For a kubernetes or cloud stack: submit the Job with kubectl (the stack's kubeconfig and context).");
        var repo = Options.Repo();
        var command = new Argument<string[]>("command") { Description = "The command and its arguments, after '--'.", Arity = ArgumentArity.OneOrMore };
        var run = new Command("run", "Run a one-off command in the minimum acceptable layer (or --layer): on the local engine, or as a Kubernetes Job for other stacks.")
        {
            layer, requires, hardware, stack, against, platform, dryRun, apply, repo, command,
        };
        run.Validators.Add(result =>
        {
            if ((result.GetValue(layer) is null) == (result.GetValue(requires) is not { Length: > 0 }))
            {
                result.AddError("give either --layer or --requires specs");
            }
        });
        run.SetAction((parse, token) => RunAsync(new CommandRun(console, "run", json: false), parse.GetValue(repo), parse.GetValue(stack), parse.GetValue(layer),
            parse.GetValue(requires)!, parse.GetValue(hardware), parse.GetValue(against), parse.GetValue(platform), parse.GetValue(dryRun), parse.GetValue(apply), parse.GetValue(command)!, token));
        return run;
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, string? stackName, string? layer, string[] requires, string? hardware, string? against,
        string? platform, bool dryRun, bool apply, string[] command, CancellationToken token)
    {
        if (CommandSpecs.Parse(run, requires, out var badSpec) is not { } specs)
        {
            return badSpec;
        }
        if (StackCommands.Open(run, repo, stackName, out var exit) is not { } session)
        {
            return exit;
        }
        Stage? stage = against is not null && Stages.TryParse(against, out var s) ? s : null;
        var (placed, refusal) = OneOffRuns.Place(session, new RunRequest(layer, specs, hardware, stage, command) { Platform = platform });
        if (refusal is not null)
        {
            return run.Fail(refusal.Code, refusal.Message);
        }
        var p = placed!;
        run.Err.WriteLine($"beacon run: {p.Reason}; image {p.Image.Reference}; hardware {p.Workload.Hardware.Name}");
        if (dryRun)
        {
            run.Out.WriteLine($"layer    {p.Workload.Layer}");
            run.Out.WriteLine($"image    {p.Image.Reference}");
            run.Out.WriteLine($"command  {string.Join(' ', p.Workload.Command.Select(Quote))}");
            if (session.Stack.Cloud != CloudTarget.Local)
            {
                run.Out.Write(OneOffRuns.JobManifest(session, p));
            }
            return ExitCodes.Success;
        }
        if (session.Stack.Cloud != CloudTarget.Local)
        {
            var manifest = OneOffRuns.JobManifest(session, p);
            if (!apply)
            {
                run.Out.Write(manifest);
                return ExitCodes.Success;
            }
            try
            {
                run.Out.Write(await Kubectl.ApplyAsync(manifest, session.Stack.Cluster.Kubeconfig, session.Stack.Cluster.Context ?? session.Stack.Cluster.Name, token));
                return ExitCodes.Success;
            }
            catch (KubectlException e)
            {
                return run.Fail(DiagnosticCode.ToolUnavailable, e.Message, ExitCodes.CheckFailed);
            }
        }
        try
        {
            using var client = DockerClient.Connect(run.Console.Environment);
            await client.PingAsync(token);
            using var access = new EngineAccess(run.Console, client);
            if (await access.Locator.LocateAsync(session.Plan, p.Image, token) is not { } located)
            {
                return run.Fail(DiagnosticCode.ImageNotBuilt, $"{p.Image.Reference} is not built; run 'beacon build {p.Workload.Layer}'", ExitCodes.CheckFailed);
            }
            var code = await new ContainerRunner(client).RunAsync(new ContainerRun(located.Reference, p.Workload.Command, p.Workload.Hardware,
                new Dictionary<string, string> { ["io.beacon.run"] = p.Workload.Name, ["io.beacon.layer"] = p.Workload.Layer }), run.Out, run.Err, token);
            // The command's own exit code (an exit status is 0-255 on Linux).
            return (int)Math.Clamp(code, 0, 255);
        }
        catch (Exception e) when (EngineAccess.Fail(run, e) is { } failed)
        {
            return failed;
        }
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '=' or ':' or ',' or '+') ? arg : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
