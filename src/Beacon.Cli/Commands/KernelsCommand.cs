using Beacon.Conda.Parsing;
using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda;
using Beacon.Docker.Engine;
using Beacon.Docker.Kernels;
using Beacon.Images.Planning;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Rendering;

namespace Beacon.Cli.Commands;

/// <summary>
/// <c>beacon kernels install|list|remove</c>: every layer of the local stack as a Jupyter kernel (JupyterLab and VS Code
/// read the same kernelspecs); <c>beacon kernel launch</c> is what those kernelspecs run.
/// </summary>
internal static class KernelsCommand
{
    public static Command Create(CliConsole console)
    {
        var kernels = new Command("kernels", "Jupyter kernelspecs for the layers: install, list, remove (JupyterLab and VS Code list them).");
        kernels.Subcommands.Add(Install(console));
        kernels.Subcommands.Add(List(console));
        kernels.Subcommands.Add(Remove(console));
        kernels.Subcommands.Add(Url(console));
        return kernels;
    }

    public static Command Kernel(CliConsole console)
    {
        var layer = Options.Text("--layer", "The layer whose image runs the kernel.", "layer");
        layer.Required = true;
        var stack = Options.Stack("The local stack whose image to use (default: the first local stack).");
        var repo = Options.Repo();
        var file = Options.Required("connection-file", "The connection file Jupyter wrote ({connection_file} in the kernelspec).");
        var launch = new Command("launch", "Run a kernel in a layer's image for Jupyter (what Beacon's kernelspecs start): connection file mounted, ports on 127.0.0.1.")
        {
            layer, stack, repo, file,
        };
        launch.SetAction((parse, token) => LaunchAsync(new CommandRun(console, "kernel launch", json: false), parse.GetValue(repo), parse.GetValue(stack),
            parse.GetValue(layer)!, parse.GetValue(file)!, token));
        return new Command("kernel", "Run one Jupyter kernel (started by the kernelspecs 'beacon kernels install' writes).") { launch };
    }

    private static (Option<bool> User, Option<string?> Prefix) Where()
    {
        var user = Options.Flag("--user", "The user's kernels folder ($JUPYTER_DATA_DIR/kernels or ~/.local/share/jupyter/kernels): the default.");
        var prefix = Options.Text("--prefix", "An environment's kernels folder: <prefix>/share/jupyter/kernels.", "path");
        return (user, prefix);
    }

    private static string Folder(CommandRun run, bool user, string? prefix) =>
        prefix is not null ? KernelDirectories.Prefix(run.Console.FullPath(prefix)) : KernelDirectories.User(run.Console.Environment);

    private static Command Install(CliConsole console)
    {
        var layers = Options.List("--layer", "Only these layers (default: every layer the stack deploys).", "layer");
        var stack = Options.Stack("The local stack whose images the kernels run (default: the first local stack).");
        var (user, prefix) = Where();
        var repo = Options.Repo();
        var command = new Command("install", "Write a kernelspec per layer (\"Beacon · <layer>\") that starts the layer's image as a kernel.")
        {
            layers, stack, user, prefix, repo,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(user) && r.GetValue(prefix) is not null)
            {
                r.AddError("give --user or --prefix, not both");
            }
        });
        command.SetAction(parse =>
        {
            var run = new CommandRun(console, "kernels install", json: false);
            if (StackCommands.Open(run, parse.GetValue(repo), parse.GetValue(stack), out var exit, new StackOptions { LocalOnly = true }) is not { } session)
            {
                return exit;
            }
            var named = parse.GetValue(layers) is { Length: > 0 } given ? given : null;
            var wanted = new List<string>();
            foreach (var l in named ?? session.Plan.Images.Select(i => i.Layer))
            {
                if (StackCommands.Image(run, session, l, out exit) is null)
                {
                    return exit;
                }
                if (KernelLayers.Lacks(session, l) is not { } lacking)
                {
                    wanted.Add(l);
                }
                else if (named is not null)
                {
                    run.Report([Diagnostic.Error(new SourceLocation(session.Workspace.Tree[l].File), DiagnosticCode.LayerLacksJupyter, lacking)]);
                    return run.Failed(ExitCodes.InvalidInput);
                }
                else
                {
                    run.Err.WriteLine($"skipped {l}: {lacking}");
                }
            }
            if (wanted.Count == 0)
            {
                return run.Fail(DiagnosticCode.LayerLacksJupyter, $"no layer of stack '{session.Stack.Name}' has {KernelSpec.KernelPackage} in its lock; add it to one (beacon add <layer> {KernelSpec.KernelPackage})");
            }
            var folder = Folder(run, parse.GetValue(user), parse.GetValue(prefix));
            try
            {
                var specs = wanted.Select(l => KernelSpec.For(session.Workspace.Organisation, l, session.Stack.Name, session.Workspace.Root, BeaconExecutable.Command())).ToList();
                var written = KernelSpecStore.Install(folder, specs);
                foreach (var (spec, path) in specs.Zip(written))
                {
                    run.Out.WriteLine($"installed {spec.Name}  \"{spec.DisplayName}\"  {path}");
                }
                run.Err.WriteLine($"{Plural.Of(specs.Count, "kernel")} for stack '{session.Stack.Name}'; 'jupyter kernelspec list' shows them, JupyterLab and VS Code offer them");
                return ExitCodes.Success;
            }
            catch (KernelConflictException e)
            {
                return run.Fail(DiagnosticCode.KernelOfAnotherRepository, e.Message);
            }
            catch (FileWriteException e)
            {
                return run.Fail(DiagnosticCode.OutputNotWritable, e.Message);
            }
        });
        return command;
    }

    private static Command List(CliConsole console)
    {
        var (user, prefix) = Where();
        var command = new Command("list", "Beacon's kernelspecs in the kernels folder: name, layer, stack, repository.") { user, prefix };
        command.SetAction(parse =>
        {
            var run = new CommandRun(console, "kernels list", json: false);
            var folder = Folder(run, parse.GetValue(user), parse.GetValue(prefix));
            var specs = KernelSpecStore.List(folder);
            var width = specs.Select(s => s.Name.Length).DefaultIfEmpty(0).Max();
            foreach (var spec in specs)
            {
                run.Out.WriteLine($"{spec.Name.PadRight(width)}  layer {spec.Layer,-20} stack {spec.Stack,-16} {spec.Repository}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Remove(CliConsole console)
    {
        var layers = Options.List("--layer", "Only these layers' kernels (default: every kernel of this repository in the folder).", "layer");
        var (user, prefix) = Where();
        var repo = Options.Repo();
        var command = new Command("remove", "Remove this repository's Beacon kernelspecs (other kernels, and other repositories' Beacon kernels, are never touched).")
        {
            layers, user, prefix, repo,
        };
        command.SetAction(parse =>
        {
            var run = new CommandRun(console, "kernels remove", json: false);
            var folder = Folder(run, parse.GetValue(user), parse.GetValue(prefix));
            var root = Repository.Root(run, parse.GetValue(repo));
            var named = parse.GetValue(layers) is { Length: > 0 } given ? given : null;
            var removed = KernelSpecStore.Remove(folder, root, named);
            foreach (var name in removed)
            {
                run.Out.WriteLine($"removed {name}");
            }
            var others = KernelSpecStore.List(folder).Count(s => s.Repository != root);
            if (others > 0)
            {
                run.Err.WriteLine($"left {Plural.Of(others, "kernel")} of other repositories ('beacon kernels list' names them)");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Url(CliConsole console)
    {
        var workload = Options.Required("workload", "A kernel workload.");
        var stack = Options.Stack("The stack it runs in (default: the first local stack).");
        var repo = Options.Repo();
        var command = new Command("url", "How to reach a kernel workload's Jupyter Server from VS Code or JupyterLab (\"existing/remote server\"): the commands and the URL.")
        {
            workload, stack, repo,
        };
        command.SetAction(parse =>
        {
            var run = new CommandRun(console, "kernels url", json: false);
            if (StackCommands.Open(run, parse.GetValue(repo), parse.GetValue(stack), out var exit) is not { } session)
            {
                return exit;
            }
            var name = parse.GetValue(workload)!;
            var planned = session.Plan.Workloads.FirstOrDefault(w => w.Name == name);
            if (planned is null || planned.Kind != Layers.Documents.WorkloadKind.Kernel)
            {
                return run.Fail(DiagnosticCode.UnknownWorkloadArgument, planned is null
                    ? $"stack '{session.Stack.Name}' runs no workload '{name}'"
                    : $"workload '{name}' is a {planned.Kind.ToText()}, not a kernel");
            }
            foreach (var line in Images.Rendering.KernelServer.Connection(session.Plan, planned, run.Console.Environment(Images.Rendering.KernelServer.TokenVariable)))
            {
                run.Out.WriteLine(line);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> LaunchAsync(CommandRun run, string? repo, string? stackName, string layer, string connectionFile, CancellationToken token)
    {
        if (StackCommands.Open(run, repo, stackName, out var exit, new StackOptions { LocalOnly = true }) is not { } session)
        {
            return exit;
        }
        if (StackCommands.Image(run, session, layer, out exit) is null)
        {
            return exit;
        }
        if (KernelLayers.Lacks(session, layer) is { } lacking)
        {
            return run.Fail(DiagnosticCode.LayerLacksJupyter, lacking);
        }
        try
        {
            using var client = DockerClient.Connect(run.Console.Environment);
            await client.PingAsync(token);
            using var access = new EngineAccess(run.Console, client);
            var code = await new KernelLauncher(client, access.Locator).LaunchAsync(session, layer, run.Console.FullPath(connectionFile), run.Err, run.Err, token);
            return code is null
                ? run.Fail(DiagnosticCode.ImageNotBuilt, $"the image of layer '{layer}' is not built; run 'beacon build {layer}'", ExitCodes.CheckFailed)
                : (int)Math.Clamp(code.Value, 0, 255);
        }
        catch (ConnectionFileException e)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, e.Message);
        }
        catch (Exception e) when (EngineAccess.Fail(run, e) is { } failed)
        {
            return failed;
        }
    }
}
