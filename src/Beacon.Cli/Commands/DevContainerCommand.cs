using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda;
using Beacon.Conda.Net;
using Beacon.Images.Rendering;
using Beacon.Layers.Diagnostics;
using Beacon.Oci.References;
using Beacon.Oci.Registry;

namespace Beacon.Cli.Commands;

/// <summary>
/// <c>beacon devcontainer &lt;layer&gt; --stack S</c>: writes <c>.devcontainer/&lt;layer&gt;/devcontainer.json</c> for the
/// stack's image of the layer, pinned by the digest its registry holds for the plan's tag.
/// </summary>
internal static class DevContainerCommand
{
    public static Command Create(CliConsole console)
    {
        var layer = Options.Required("layer", "The layer whose image to open in VS Code or the Dev Containers CLI.");
        var stack = Options.Stack("The stack whose image of the layer to pin (its registry holds it once built).", required: true);
        var output = Options.Text("--output", "The file to write (default: .devcontainer/<layer>/devcontainer.json in the repository).", "file", "-o");
        var repo = Options.Repo();
        var command = new Command("devcontainer", "Write a devcontainer.json for a layer: its image by digest, the prefix on PATH, the Python extension on the layer's interpreter.")
        {
            layer, stack, output, repo,
        };
        command.SetAction(async (parse, token) =>
        {
            var run = new CommandRun(console, "devcontainer", json: false);
            if (StackCommands.Open(run, parse.GetValue(repo), parse.GetValue(stack), out var exit) is not { } session)
            {
                return exit;
            }
            var name = parse.GetValue(layer)!;
            if (StackCommands.Image(run, session, name, out exit) is not { } image)
            {
                return exit;
            }
            if (session.Plan.CreateRegistry)
            {
                return run.Fail(DiagnosticCode.InvalidCommandLine, $"stack '{session.Stack.Name}' names no beacon:registry: a dev container pins an image in a registry");
            }
            using var http = BeaconHttp.Create();
            var registry = new RegistryClient(http, RegistryCredentials.FromEnvironment(console.Environment));
            var planned = RemoteImage.Of(image.Reference);
            try
            {
                if (!await registry.ManifestExistsAsync(planned, token))
                {
                    return run.Fail(DiagnosticCode.ImageNotBuilt,
                        $"{planned} is not in the registry; run 'beacon build {name} --stack {session.Stack.Name}'", ExitCodes.CheckFailed);
                }
                var digest = await registry.ResolveDigestAsync(planned, token);
                var pinned = (planned with { Tag = null, Digest = digest }).ToString();
                var text = DevContainer.Render(session.Workspace.Organisation, image, pinned);
                var relative = parse.GetValue(output) ?? DevContainer.RelativePath(name);
                var path = parse.GetValue(output) is { } o ? console.FullPath(o) : session.Workspace.FullPath(relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                AtomicFile.WriteAllText(path, text);
                run.Out.WriteLine($"wrote {relative}: {pinned}");
                return ExitCodes.Success;
            }
            catch (RegistryException e)
            {
                return run.Fail(DiagnosticCode.RegistryRefused, e.Message, ExitCodes.CheckFailed);
            }
            catch (Exception e) when (e is FileWriteException or IOException or UnauthorizedAccessException)
            {
                return run.Fail(DiagnosticCode.OutputNotWritable, e.Message);
            }
        });
        return command;
    }
}
