using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda.Net;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Editing;
using Beacon.Layers.Locking;

namespace Beacon.Cli.Commands;

/// <summary>
/// <c>beacon add &lt;layer&gt; &lt;spec&gt;…</c> and <c>beacon remove &lt;layer&gt; &lt;name&gt;…</c>: edit the layer file's
/// dependencies (comments and order kept), lock it and the layers built on it, and print what each lock gained and lost.
/// </summary>
internal static class DependencyCommands
{
    public static Command Add(CliConsole console) => Create(console, "add",
        "Add conda specs to a layer (a spec for a package it lists replaces that entry), lock it and the layers built on it, and print the package changes.",
        "spec", "Conda MatchSpecs, such as pyarrow or \"pandas >=2\".");

    public static Command Remove(CliConsole console) => Create(console, "remove",
        "Remove packages from a layer's dependencies, lock it and the layers built on it, and print the package changes.",
        "package", "Names of packages the layer file lists.");

    private static Command Create(CliConsole console, string name, string description, string what, string whatDescription)
    {
        var layer = Options.Required("layer", "The layer to edit.");
        var items = new Argument<string[]>(what) { Description = whatDescription, Arity = ArgumentArity.OneOrMore };
        var offline = Options.Offline();
        var repo = Options.Repo();
        var command = new Command(name, description) { layer, items, offline, repo };
        command.SetAction((parse, token) =>
        {
            var values = parse.GetValue(items)!;
            var edit = name == "add" ? new DependencyEdit(parse.GetValue(layer)!, values, []) : new DependencyEdit(parse.GetValue(layer)!, [], values);
            return RunAsync(new CommandRun(console, name, json: false), parse.GetValue(repo), edit, parse.GetValue(offline), token);
        });
        return command;
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, DependencyEdit edit, bool offline, CancellationToken token)
    {
        if (Repository.Load(run, repo, out var exit) is not { } workspace)
        {
            return exit;
        }
        using var http = BeaconHttp.Create();
        DependencyEditResult result;
        try
        {
            result = await new DependencyEditor(workspace, ChannelAccess.Loader(run.Console, http, offline)) { BaseImages = ChannelAccess.BaseImages(run.Console, http, offline) }
                .EditAsync(edit, run.Progress, token);
        }
        catch (LockChannelException e)
        {
            return run.Fail(DiagnosticCode.ChannelUnavailable, e.Message);
        }
        catch (TimeoutException e)
        {
            return run.Fail(DiagnosticCode.RepositoryBusy, e.Message, ExitCodes.CheckFailed);
        }
        switch (result)
        {
            case DependencyEditRefused refused:
                run.Report(refused.Diagnostics);
                return run.Fail(refused.Code, refused.Message);
            case DependenciesNotLockable failed:
                return LockCommand.Failed(run, failed.Edited, failed.Run);
        }
        var done = (DependenciesEdited)result;
        run.Out.WriteLine($"edited {done.LayerFile}");
        LockCommand.Print(run, done.Run, done.Changes);
        return ExitCodes.Success;
    }
}
