using System.CommandLine;
using Beacon.Catalog;
using Beacon.Cli.Hosting;
using Beacon.Conda;
using Beacon.Conda.Net;
using Beacon.Conda.Parsing;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Locking;

namespace Beacon.Cli.Commands;

/// <summary>
/// <c>beacon catalog [--output folder]</c>: the static site of the repository's layers (tree, packages, workloads per
/// stack, kernels, dev containers, a search that routes like <c>beacon route</c>), from the locks the gate verified.
/// </summary>
internal static class CatalogCommand
{
    public const string DefaultFolder = ".beacon/catalog";

    public static Command Create(CliConsole console)
    {
        var output = Options.Text("--output", $"The folder to write (default: {DefaultFolder} in the repository); replaced whole.", "folder", "-o");
        var offline = Options.Offline();
        var repo = Options.Repo();
        var command = new Command("catalog", "Write the layer catalog: a static site (file:// or GitHub Pages) with the tree, packages, workloads and a package search that routes like 'beacon route'.")
        {
            output, offline, repo,
        };
        command.SetAction(async (parse, token) =>
        {
            var run = new CommandRun(console, "catalog", json: false);
            if (Repository.Load(run, parse.GetValue(repo), out var exit) is not { } workspace)
            {
                return exit;
            }
            using var http = BeaconHttp.Create();
            CatalogData? data;
            try
            {
                var channels = await ChannelIndex.LoadAsync(workspace, ChannelAccess.Loader(console, http, parse.GetValue(offline)), cancellationToken: token);
                (data, var gate) = await CatalogBuilder.CreateAsync(workspace, channels, cancellationToken: token);
                if (data is null)
                {
                    run.Report(gate.Diagnostics);
                    run.Err.WriteLine("catalog not written: the gate failed ('beacon check' shows the same)");
                    return ExitCodes.CheckFailed;
                }
            }
            catch (LockChannelException e)
            {
                return run.Fail(DiagnosticCode.ChannelUnavailable, e.Message);
            }
            var relative = parse.GetValue(output) ?? DefaultFolder;
            var folder = parse.GetValue(output) is { } o ? console.FullPath(o) : workspace.FullPath(DefaultFolder);
            try
            {
                CatalogSite.Write(data, folder, relative);
            }
            catch (FileWriteException e)
            {
                return run.Fail(DiagnosticCode.OutputNotWritable, e.Message);
            }
            run.Out.WriteLine($"wrote {relative}/index.html: {Plural.Of(data.Layers.Count, "layer")}, {Plural.Of(data.Stacks.Count, "stack")}");
            return ExitCodes.Success;
        });
        return command;
    }
}
