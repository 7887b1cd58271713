using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Images.Planning;
using Beacon.Images.Rendering;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;

namespace Beacon.Cli.Commands;

/// <summary>
/// The modes of <c>beacon build</c> that build nothing but say how builds run elsewhere: <c>--matrix</c> (the deploy
/// workflow's levels), <c>--await</c> (an in-cluster Job's wait for its parent) and <c>--emit kubernetes</c> (the Jobs).
/// </summary>
internal static partial class BuildCommand
{
    /// <summary>The build levels of the layers as JSON (nothing is built): the stack's plan decides which layers it deploys.</summary>
    private static Task<int> Matrix(CommandRun run, string? repo, string? stackName, string[] layers, string? builderText)
    {
        if (Open(run, repo, stackName, layers, new StackOptions { Builder = BuilderOf(builderText) }, out var exit) is not { } session)
        {
            return Task.FromResult(exit);
        }
        var levels = BuildLevels.Of(session.Plan, layers.Distinct(StringComparer.Ordinal).ToList());
        run.Out.WriteLine(Layers.Rendering.JsonOptions.Write(new BuildMatrixJson(levels.Levels), CliJson.Styled.BuildMatrixJson).TrimEnd());
        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>The --builder option's kind (System.CommandLine already refused any other text), or null when not given.</summary>
    private static ImageBuilderKind? BuilderOf(string? text) => text is not null && ImageBuilderKinds.TryParse(text, out var kind) ? kind : null;

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
        if (Open(run, repo, stackName, layers, new StackOptions { Builder = BuilderOf(builderText) ?? ImageBuilderKind.Oci }, out exit) is not { } session)
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
        var images = layers.Select(l => Oci.References.RemoteImage.Of(session.Plan.Images.Single(i => i.Layer == l).Reference)).ToList();
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

    private static int EmitKubernetes(CommandRun run, string? repo, string? stackName, string[] layers, string beaconImage, string? source, string? commit, string? secret, string? ns, string? sourceSecret)
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
        var options = new BuildJobOptions(beaconImage, source, commit, secret ?? BuildJobOptions.DefaultSecret, ns ?? BuildJobOptions.DefaultNamespace, sourceSecret);
        if (options.Problem() is { } problem)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, problem);
        }
        var objects = BuildJobs.For(session.Plan, layers.Distinct(StringComparer.Ordinal).ToList(), options);
        run.Out.Write(string.Concat(objects.Select((o, i) => (i == 0 ? "" : "---\n") + Images.Rendering.Yaml.Write(o.Manifest()))));
        return ExitCodes.Success;
    }
}
