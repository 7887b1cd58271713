using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Docker.Building;
using Beacon.Docker.Engine;
using Beacon.Images.Planning;
using Beacon.Images.Rendering;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Validation;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon build [layer...] [--stack s] [--push registry]</c>: build layer images on the Docker engine.</summary>
internal static partial class BuildCommand
{
    public static Command Create(CliConsole console)
    {
        var layers = Options.Many("layer", "Layers to build (with their ancestors); default: every layer the stack deploys.");
        var stack = Options.Stack("The stack whose plan to build (default: the first local stack).");
        var push = Options.Text("--push", "Tag for this registry and push each image in order, printing its digest (the oci builder always pushes: default the stack's registry).", "registry");
        var builder = Options.Text("--builder", "Default: the stack's beacon:builder. docker: a Dockerfile per layer on the Docker engine; oci: Beacon installs each layer's packages itself and pushes the layers by digest, no daemon needed.", "builder");
        builder.AcceptOnlyFromAmong("docker", "oci");
        var offline = Options.Offline();
        var matrix = Options.Flag("--matrix", "Build nothing: print the layers (default: every layer the stack deploys) as levels that can build in parallel, parents first, as JSON: {\"levels\": [[...], ...]} (the deploy workflow's build matrix).");
        var await_ = new Option<int?>("--await") { Description = "Build nothing: wait up to this many seconds until the registry holds the stack's images of the layers (exit 1 if it does not); what an in-cluster build Job waits for its parent with.", HelpName = "seconds" };
        var emit = Options.Text("--emit", "Build nothing: print the builds as manifests for another engine. kubernetes: one Job per layer (the oci builder in --beacon-image, the repository cloned from --source at --commit, registry credentials from --registry-secret), parents' images awaited first.", "engine");
        emit.AcceptOnlyFromAmong("kubernetes");
        var beaconImage = Options.Text("--beacon-image", "With --emit: the image with the beacon CLI and git the Jobs run.", "image");
        var source = Options.Text("--source", "With --emit: the repository's clone URL as the cluster reaches it (default: the remote 'origin').", "url");
        var commit = Options.Text("--commit", "With --emit: the commit to build (default: HEAD).", "sha");
        var secret = Options.Text("--registry-secret", $"With --emit: the Secret (type kubernetes.io/dockerconfigjson) with the registry's credentials (default {BuildJobOptions.DefaultSecret}).", "name");
        var sourceSecret = Options.Text("--source-secret", "With --emit, for a private repository: the Secret whose key 'credentials' holds git's credential lines (username=…, password=<token>).", "name");
        var ns = Options.Text("--namespace", $"With --emit: the namespace of the Jobs (default {BuildJobOptions.DefaultNamespace}).", "name");
        var repo = Options.Repo();
        var command = new Command("build", "Build the layer images in dependency order (reusing unchanged ones): on the Docker engine, or with --builder oci straight into a registry.")
        {
            layers, stack, push, builder, offline, matrix, await_, emit, beaconImage, source, commit, secret, sourceSecret, ns, repo,
        };
        command.Validators.Add(result =>
        {
            var modes = new[] { result.GetValue(matrix), result.GetValue(await_) is not null, result.GetValue(emit) is not null }.Count(m => m);
            if (modes > 1)
            {
                result.AddError("--matrix, --await and --emit are separate modes: give one");
            }
            if (result.GetValue(emit) is null && new Option[] { beaconImage, source, commit, secret, sourceSecret, ns }.Any(o => result.GetResult(o) is not null))
            {
                result.AddError("--beacon-image, --source, --commit, --registry-secret, --source-secret and --namespace go with --emit kubernetes");
            }
            if (result.GetValue(emit) is not null && result.GetValue(beaconImage) is null)
            {
                result.AddError("--emit kubernetes needs --beacon-image: the image with the beacon CLI and git the Jobs run");
            }
        });
        command.SetAction((parse, token) =>
        {
            if (parse.GetValue(matrix))
            {
                return Matrix(new CommandRun(console, "build", json: true), parse.GetValue(repo), parse.GetValue(stack), parse.GetValue(layers)!, parse.GetValue(builder));
            }
            if (parse.GetValue(await_) is { } seconds)
            {
                return AwaitAsync(new CommandRun(console, "build", json: false), parse.GetValue(repo), parse.GetValue(stack), parse.GetValue(layers)!, parse.GetValue(builder), seconds, token);
            }
            if (parse.GetValue(emit) is not null)
            {
                return Task.FromResult(EmitKubernetes(new CommandRun(console, "build", json: false), parse.GetValue(repo), parse.GetValue(stack), parse.GetValue(layers)!,
                    parse.GetValue(beaconImage)!, parse.GetValue(source), parse.GetValue(commit), parse.GetValue(secret), parse.GetValue(ns), parse.GetValue(sourceSecret)));
            }
            return RunAsync(new CommandRun(console, "build", json: false), parse.GetValue(repo), parse.GetValue(stack), parse.GetValue(layers)!,
                parse.GetValue(push), parse.GetValue(builder), parse.GetValue(offline), token);
        });
        return command;
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, string? stackName, string[] layers, string? push, string? builderText, bool offline,
        CancellationToken token)
    {
        if (push is not null && !Names.IsImageReference(push.TrimEnd('/') + "/x"))
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, $"--push '{push}' is not a registry address such as 127.0.0.1:5000 or ghcr.io/acme");
        }
        if (Open(run, repo, stackName, layers, new StackOptions { Registry = push, Builder = BuilderOf(builderText) }, out var exit) is not { } session)
        {
            return exit;
        }
        if (session.Plan.Builder == ImageBuilderKind.Oci)
        {
            return await OciBuild.RunAsync(run, session, layers, offline, token);
        }
        try
        {
            using var client = DockerClient.Connect(run.Console.Environment);
            var credentials = RegistryAuths.From(Oci.Registry.RegistryCredentials.FromEnvironment(run.Console.Environment));
            var results = await run.WithProgressAsync((updates, message) =>
                new ImageBuilder(client, message, credentials) { Updates = updates }.BuildAsync(session.Plan, layers, push is not null, token));
            foreach (var r in results)
            {
                var what = r.Outcome switch
                {
                    BuildOutcome.Built => $"built     {r.Layer}  {r.Reference}  adds {Output.ByteSizes.Text(r.AddedBytes)}",
                    BuildOutcome.Reused => $"reused    {r.Layer}  {r.Reference}  adds {Output.ByteSizes.Text(r.AddedBytes)}",
                    BuildOutcome.Skipped => $"skipped   {r.Layer}  ({r.Error})",
                    _ => $"FAILED    {r.Layer}  {r.Error}",
                };
                run.Out.WriteLine(what + (r.PushedDigest is { } d ? $"  pushed {d}" : ""));
            }
            return results.Any(r => r.Outcome is BuildOutcome.Failed or BuildOutcome.Skipped) ? ExitCodes.CheckFailed : ExitCodes.Success;
        }
        catch (Exception e) when (EngineAccess.Fail(run, e) is { } failed)
        {
            return failed;
        }
    }
}
