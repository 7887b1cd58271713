using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda.Net;
using Beacon.Conda.Packages;
using Beacon.Docker.Verifying;
using Beacon.Evidence.Verification;
using Beacon.Layers.Locking;
using Beacon.Oci.Building;
using Beacon.Docker.Engine;
using Beacon.Docker.Publishing;
using Beacon.Docker.Testing;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon publish &lt;layer&gt; --stage production</c>: promote a layer whose exact image passed its tests.</summary>
internal static class PublishCommand
{
    public static Command Create(CliConsole console)
    {
        var layer = Options.Required("layer", "The layer to promote.");
        var stage = new Option<string>("--stage") { Description = "The stage to promote it to.", DefaultValueFactory = _ => "production", HelpName = "stage" };
        stage.AcceptOnlyFromAmong([.. Stages.Names]);
        var stack = Options.Stack("The stack whose image of the layer to publish (default: the first local stack).");
        var repo = Options.Repo();
        var command = new Command("publish", "Promote a layer whose exact image passed its tests: tag the image <layer>:<stage> in the registry, then set its stage in the layer file.")
        {
            layer, stage, stack, repo,
        };
        command.SetAction((parse, token) => RunAsync(new CommandRun(console, "publish", json: false), parse.GetValue(repo), parse.GetValue(stack), parse.GetValue(layer)!,
            parse.GetValue(stage)!, token));
        return command;
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, string? stackName, string layer, string stageText, CancellationToken token)
    {
        if (!Stages.TryParse(stageText, out var stage))
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, $"--stage must be one of {string.Join(", ", Stages.Names)}");
        }
        if (StackCommands.Open(run, repo, stackName, out var exit) is not { } session)
        {
            return exit;
        }
        if (StackCommands.Image(run, session, layer, out exit) is null)
        {
            return exit;
        }
        try
        {
            using var client = DockerClient.Connect(run.Console.Environment);
            await client.PingAsync(token);
            using var access = new EngineAccess(run.Console, client);
            using var http = BeaconHttp.Create();
            var channels = await ChannelIndex.LoadAsync(session.Workspace, ChannelAccess.Loader(run.Console, http, offline: false), cancellationToken: token);
            using var cache = new PackageCache(PackageCache.DefaultDirectory(run.Console.Environment), http);
            using var proofs = new ImageVerifier(new LayerPackages(session.Workspace, channels, cache));
            var verifier = new LocatedImageVerifier(client, access.Registry, proofs, cache);
            var result = await new Publisher(client, new TestEvidence(session.Workspace.FullPath(TestEvidence.DefaultPath)), access.Locator, access.Registry, verifier, access.Auths)
                .PublishAsync(session, layer, stage, token);
            return result.Outcome switch
            {
                PublishOutcome.Published => Published(run, result.Message),
                PublishOutcome.NotBuilt => run.Fail(DiagnosticCode.ImageNotBuilt, result.Message, ExitCodes.CheckFailed),
                PublishOutcome.Refused => run.Fail(DiagnosticCode.PublishRefused, "refused: " + result.Message, ExitCodes.CheckFailed),
                _ => run.Fail(DiagnosticCode.RegistryRefused, result.Message, ExitCodes.CheckFailed),
            };
        }
        catch (LockChannelException e)
        {
            return run.Fail(DiagnosticCode.ChannelUnavailable, e.Message);
        }
        catch (Exception e) when (EngineAccess.Fail(run, e) is { } failed)
        {
            return failed;
        }
    }

    private static int Published(CommandRun run, string message)
    {
        run.Out.WriteLine(message);
        return ExitCodes.Success;
    }
}
