using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Docker.Building;
using Beacon.Docker.Engine;
using Beacon.Images.Planning;
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
        var repo = Options.Repo();
        var command = new Command("build", "Build the layer images in dependency order (reusing unchanged ones): on the Docker engine, or with --builder oci straight into a registry.")
        {
            layers, stack, push, builder, offline, matrix, repo,
        };
        command.SetAction((parse, token) => parse.GetValue(matrix)
            ? Matrix(new CommandRun(console, "build", json: true), parse.GetValue(repo), parse.GetValue(stack), parse.GetValue(layers)!, parse.GetValue(builder))
            : RunAsync(new CommandRun(console, "build", json: false), parse.GetValue(repo), parse.GetValue(stack), parse.GetValue(layers)!,
                parse.GetValue(push), parse.GetValue(builder), parse.GetValue(offline), token));
        return command;
    }

    /// <summary>The build levels of the layers as JSON (nothing is built): the stack's plan decides which layers it deploys.</summary>
    private static Task<int> Matrix(CommandRun run, string? repo, string? stackName, string[] layers, string? builderText)
    {
        ImageBuilderKind? builder = builderText is not null && ImageBuilderKinds.TryParse(builderText, out var b) ? b : null;
        if (StackCommands.Open(run, repo, stackName, out var exit, new StackOptions { Builder = builder }) is not { } session)
        {
            return Task.FromResult(exit);
        }
        var unknown = layers.Where(l => session.Plan.Images.All(i => i.Layer != l)).ToList();
        if (unknown.Count > 0)
        {
            return Task.FromResult(run.Fail(DiagnosticCode.LayerNotDeployed, $"stack '{session.Stack.Name}' deploys no layer {string.Join(", ", unknown)}"));
        }
        var levels = BuildLevels.Of(session.Plan, layers.Distinct(StringComparer.Ordinal).ToList());
        run.Out.WriteLine(Layers.Rendering.JsonOptions.Write(new BuildMatrixJson(levels.Levels), CliJson.Styled.BuildMatrixJson).TrimEnd());
        return Task.FromResult(ExitCodes.Success);
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, string? stackName, string[] layers, string? push, string? builderText, bool offline,
        CancellationToken token)
    {
        if (push is not null && !Names.IsImageReference(push.TrimEnd('/') + "/x"))
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, $"--push '{push}' is not a registry address such as 127.0.0.1:5000 or ghcr.io/acme");
        }
        ImageBuilderKind? builder = builderText is not null && ImageBuilderKinds.TryParse(builderText, out var b) ? b : null;
        if (StackCommands.Open(run, repo, stackName, out var exit, new StackOptions { Registry = push, Builder = builder }) is not { } session)
        {
            return exit;
        }
        var unknown = layers.Where(l => session.Plan.Images.All(i => i.Layer != l)).ToList();
        if (unknown.Count > 0)
        {
            return run.Fail(DiagnosticCode.LayerNotDeployed, $"stack '{session.Stack.Name}' deploys no layer {string.Join(", ", unknown)}");
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
