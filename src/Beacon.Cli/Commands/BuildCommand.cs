using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Docker.Building;
using Beacon.Docker.Engine;
using Beacon.Images.Planning;
using Beacon.Images.Rendering;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Validation;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon build [layer...] [--stack s] [--push registry]</c>: build layer images on the Docker engine.</summary>
internal static class BuildCommand
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
        var ns = Options.Text("--namespace", $"With --emit: the namespace of the Jobs (default {BuildJobOptions.DefaultNamespace}).", "name");
        var repo = Options.Repo();
        var command = new Command("build", "Build the layer images in dependency order (reusing unchanged ones): on the Docker engine, or with --builder oci straight into a registry.")
        {
            layers, stack, push, builder, offline, matrix, await_, emit, beaconImage, source, commit, secret, ns, repo,
        };
        command.Validators.Add(result =>
        {
            var modes = new[] { result.GetValue(matrix), result.GetValue(await_) is not null, result.GetValue(emit) is not null }.Count(m => m);
            if (modes > 1)
            {
                result.AddError("--matrix, --await and --emit are separate modes: give one");
            }
            if (result.GetValue(emit) is null && new Option[] { beaconImage, source, commit, secret, ns }.Any(o => result.GetResult(o) is not null))
            {
                result.AddError("--beacon-image, --source, --commit, --registry-secret and --namespace go with --emit kubernetes");
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
                    parse.GetValue(beaconImage)!, parse.GetValue(source), parse.GetValue(commit), parse.GetValue(secret), parse.GetValue(ns)));
            }
            return RunAsync(new CommandRun(console, "build", json: false), parse.GetValue(repo), parse.GetValue(stack), parse.GetValue(layers)!,
                parse.GetValue(push), parse.GetValue(builder), parse.GetValue(offline), token);
        });
        return command;
    }

    /// <summary>The build levels of the layers as JSON (nothing is built): the stack's plan decides which layers it deploys.</summary>
    private static Task<int> Matrix(CommandRun run, string? repo, string? stackName, string[] layers, string? builderText)
    {
        ImageBuilderKind? builder = builderText is not null && ImageBuilderKinds.TryParse(builderText, out var b) ? b : null;
        if (Open(run, repo, stackName, layers, new StackOptions { Builder = builder }, out var exit) is not { } session)
        {
            return Task.FromResult(exit);
        }
        var levels = BuildLevels.Of(session.Plan, layers.Distinct(StringComparer.Ordinal).ToList());
        run.Out.WriteLine(Layers.Rendering.JsonOptions.Write(new BuildMatrixJson(levels.Levels), CliJson.Styled.BuildMatrixJson).TrimEnd());
        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>The stack opened and planned, every named layer one it deploys; or null and the exit code.</summary>
    private static StackSession? Open(CommandRun run, string? repo, string? stackName, string[] layers, StackOptions options, out int exit)
    {
        if (StackCommands.Open(run, repo, stackName, out exit, options) is not { } session)
        {
            return null;
        }
        var unknown = layers.Where(l => session.Plan.Images.All(i => i.Layer != l)).ToList();
        if (unknown.Count > 0)
        {
            exit = run.Fail(DiagnosticCode.LayerNotDeployed, $"stack '{session.Stack.Name}' deploys no layer {string.Join(", ", unknown)}");
            return null;
        }
        return session;
    }

    /// <summary>The stack opened for the oci builder and the layers checked against its plan, or the exit code.</summary>
    private static StackSession? OciSession(CommandRun run, string? repo, string? stackName, string[] layers, string? builderText, out int exit)
    {
        var builder = builderText is not null && ImageBuilderKinds.TryParse(builderText, out var b) ? b : ImageBuilderKind.Oci;
        if (Open(run, repo, stackName, layers, new StackOptions { Builder = builder }, out exit) is not { } session)
        {
            return null;
        }
        if (session.Plan.CreateRegistry)
        {
            exit = run.Fail(DiagnosticCode.InvalidCommandLine, $"stack '{session.Stack.Name}' names no beacon:registry: builds outside this machine push to a registry the stack names");
            return null;
        }
        return session;
    }

    private static async Task<int> AwaitAsync(CommandRun run, string? repo, string? stackName, string[] layers, string? builderText, int seconds, CancellationToken token)
    {
        if (layers.Length == 0 || seconds < 0)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, "--await needs the layers to wait for and a number of seconds (0 or more)");
        }
        if (OciSession(run, repo, stackName, layers, builderText, out var exit) is not { } session)
        {
            return exit;
        }
        using var http = Conda.Net.BeaconHttp.Create();
        var registry = new Oci.Registry.RegistryClient(http, Oci.Registry.RegistryCredentials.FromEnvironment(run.Console.Environment));
        var images = layers.Select(l => Oci.References.RemoteImage.Parse(session.Plan.Images.Single(i => i.Layer == l).Reference.ToString())).ToList();
        try
        {
            var missing = await Oci.Registry.ImageAwaiter.WaitAsync(registry, images, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(5), token);
            if (missing.Count > 0)
            {
                return run.Fail(DiagnosticCode.ImageNotBuilt, $"not in the registry after {seconds} s: {string.Join(", ", missing)}", ExitCodes.CheckFailed);
            }
        }
        catch (Oci.Registry.RegistryException e)
        {
            return run.Fail(DiagnosticCode.RegistryRefused, e.Message, ExitCodes.CheckFailed);
        }
        foreach (var image in images)
        {
            run.Out.WriteLine($"in the registry: {image}");
        }
        return ExitCodes.Success;
    }

    private static int EmitKubernetes(CommandRun run, string? repo, string? stackName, string[] layers, string beaconImage, string? source, string? commit, string? secret, string? ns)
    {
        if (OciSession(run, repo, stackName, layers, null, out var exit) is not { } session)
        {
            return exit;
        }
        try
        {
            source ??= Layers.Git.GitCli.RunText(session.Workspace.Root, "remote", "get-url", "origin").Trim();
            commit ??= Layers.Git.GitCli.RunText(session.Workspace.Root, "rev-parse", "HEAD").Trim();
        }
        catch (Layers.Git.GitException e)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, $"give --source and --commit: git could not tell them ({e.Message})");
        }
        var options = new BuildJobOptions(beaconImage, source, commit, secret ?? BuildJobOptions.DefaultSecret, ns ?? BuildJobOptions.DefaultNamespace);
        if (options.Problem() is { } problem)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, problem);
        }
        var objects = BuildJobs.For(session.Plan, layers.Distinct(StringComparer.Ordinal).ToList(), options);
        run.Out.Write(string.Concat(objects.Select((o, i) => (i == 0 ? "" : "---\n") + Images.Rendering.Yaml.Write(o.Manifest()))));
        return ExitCodes.Success;
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, string? stackName, string[] layers, string? push, string? builderText, bool offline,
        CancellationToken token)
    {
        if (push is not null && !Names.IsImageReference(push.TrimEnd('/') + "/x"))
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, $"--push '{push}' is not a registry address such as 127.0.0.1:5000 or ghcr.io/acme");
        }
        ImageBuilderKind? builder = builderText is not null && ImageBuilderKinds.TryParse(builderText, out var b) ? b : null;
        if (Open(run, repo, stackName, layers, new StackOptions { Registry = push, Builder = builder }, out var exit) is not { } session)
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
