using Beacon.Conda.Parsing;
using Beacon.Conda.Net;
using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Layers.Rendering;
using Spectre.Console;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon lock [layer...] [--update pkg...]</c>: solve the tree top-down and write layers/&lt;name&gt;.lock.</summary>
internal static class LockCommand
{
    public static Command Create(CliConsole console)
    {
        var layers = Options.Many("layer", "Layers to lock (their stale ancestors too); default: every layer.");
        var update = Options.List("--update", "Free a package from the existing locks so it moves to its best version.", "package", "-u");
        var quiet = Options.Flag("--quiet", "Print nothing but errors.", "-q");
        var offline = Options.Offline();
        var updateAll = Options.Flag("--update-all", "Free every package of the layers named (or selected by --stage): each moves to its best version.");
        var stage = Options.Text("--stage", "Lock the layers of this stage (with the layers named).", "stage");
        stage.AcceptOnlyFromAmong([.. Layers.Documents.Stages.Names]);
        var check = Options.Flag("--check", "Solve every layer again without writing; exit 1 if any lock would change (a root's base-image tag that moved included).");
        var updateBase = Options.Flag("--update-base", "Ask the registry again which digest each root's base-image tag names, and move the lock's pin to it (a plain lock never moves a pin).");
        var format = Options.DiagnosticFormat();
        var repo = Options.Repo();
        var wait = new Option<int>("--wait") { Description = "Seconds to wait for another beacon run that is writing this repository's locks.", DefaultValueFactory = _ => 600, HelpName = "seconds" };
        var command = new Command("lock", "Solve the layer tree top-down (each child on its parent's records as hard pins) and write layers/<name>.lock.")
        {
            layers, update, updateAll, updateBase, stage, quiet, offline, check, format, repo, wait,
        };
        command.SetAction((parse, token) => RunAsync(new CommandRun(console, "lock", json: false, parse.GetValue(format) == "github"), parse.GetValue(repo), parse.GetValue(layers)!,
            parse.GetValue(update)!, parse.GetValue(updateAll), parse.GetValue(updateBase), parse.GetValue(stage), parse.GetValue(quiet), parse.GetValue(offline),
            parse.GetValue(check), parse.GetValue(wait), token));
        return command;
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, string[] layers, string[] update, bool updateAll, bool updateBase, string? stage, bool quiet,
        bool offline, bool check, int wait, CancellationToken token)
    {
        if (Repository.Load(run, repo, out var exit) is not { } workspace)
        {
            return exit;
        }
        var unknown = layers.Where(l => !workspace.Tree.Contains(l)).ToList();
        if (unknown.Count > 0)
        {
            return run.Fail(DiagnosticCode.UnknownLayerArgument, $"no such layer: {string.Join(", ", unknown)}");
        }
        using var http = BeaconHttp.Create();
        if (wait < 0)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, "--wait takes a number of seconds, 0 or more");
        }
        using var locker = new Locker(workspace, ChannelAccess.Loader(run.Console, http, offline))
        {
            WaitLimit = TimeSpan.FromSeconds(wait),
            BaseImages = ChannelAccess.BaseImages(run.Console, http, offline),
        };
        if (check && (update.Length > 0 || updateAll || updateBase))
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, "--check compares the locks with a fresh solve; it cannot be combined with --update, --update-all or --update-base");
        }
        if (updateBase && offline)
        {
            return run.Fail(DiagnosticCode.InvalidCommandLine, "--update-base asks the registries; it cannot be combined with --offline");
        }
        if (stage is not null && Layers.Documents.Stages.TryParse(stage, out var selected))
        {
            layers = [.. layers.Union(workspace.Tree.TopologicalOrder.Where(l => l.Stage == selected).Select(l => l.Name), StringComparer.Ordinal)];
            if (layers.Length == 0)
            {
                return run.Fail(DiagnosticCode.UnknownLayerArgument, $"no layer is in stage '{stage}'");
            }
        }
        var options = new LockOptions { Layers = layers, Update = update, UpdateAll = updateAll, UpdateBase = updateBase, SolveAll = check };
        LockRun result;
        try
        {
            if (quiet)
            {
                result = await locker.RunAsync(options, null, token);
            }
            else if (run.Console.ErrorIsTerminal)
            {
                // A spinner with the layer being solved for people at a terminal; plain lines for CI logs.
                var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(run.Err) });
                result = await terminal.Status().StartAsync("reading channels", async status =>
                    await locker.RunAsync(options, message => status.Status(Markup.Escape(message)), token));
            }
            else
            {
                result = await locker.RunAsync(options, run.Progress, token);
            }
        }
        catch (LockChannelException e)
        {
            return run.Fail(DiagnosticCode.ChannelUnavailable, e.Message);
        }
        catch (TimeoutException e)
        {
            return run.Fail(DiagnosticCode.RepositoryBusy, e.Message, ExitCodes.CheckFailed);
        }
        if (!result.Success)
        {
            return Failed(run, workspace, result);
        }
        if (check)
        {
            return Compared(run, workspace, result, quiet);
        }
        locker.Write(result);
        if (!quiet)
        {
            Print(run, result, LockChanges.Of(result));
        }
        return ExitCodes.Success;
    }

    /// <summary>Each layer's outcome and the packages its lock gained and lost; then the counts.</summary>
    internal static void Print(CommandRun run, LockRun result, IReadOnlyList<LockChange> changes)
    {
        var byLayer = changes.ToDictionary(c => c.Layer, StringComparer.Ordinal);
        foreach (var r in result.Results)
        {
            if (r is not LayerLocked l)
            {
                run.Out.WriteLine($"up to date  {r.Layer}");
                continue;
            }
            run.Out.WriteLine($"locked      {l.Layer}: {Plural.Of(l.Added.Count, "package")} of its own ({l.Reason})");
            var moves = byLayer[l.Layer];
            foreach (var line in moves.Packages.Count == 0 ? ["  no package changed"] : LockChanges.Lines(moves))
            {
                run.Out.WriteLine(line);
            }
        }
        run.Out.WriteLine($"{Plural.Of(result.Solves, "layer")} solved, {Plural.Of(result.Results.OfType<LayerLocked>().Count(), "lock file")} written");
    }

    /// <summary>A failed lock run: each layer that did not lock, with its explanation and hint; nothing was written.</summary>
    internal static int Failed(CommandRun run, Workspace workspace, LockRun result)
    {
        foreach (var failed in result.Results.OfType<LayerNotLocked>())
        {
            var layer = workspace.Tree[failed.Layer];
            var parent = layer.Parent?.Value;
            run.Report([Diagnostic.Error(new SourceLocation(layer.File), DiagnosticCode.LayerNotLockable,
                $"layer '{failed.Layer}' cannot be locked{(parent is null ? "" : $" on top of its parent '{parent}'")}:")]);
            run.Err.Write(TextBlock.Indent(failed.Explanation));
            if (failed.Hint(layer.File) is { } hint)
            {
                run.Err.Write(TextBlock.Indent(hint));
            }
        }
        var blocked = result.Results.OfType<LayerBlocked>().Select(r => r.Layer).ToList();
        if (blocked.Count > 0)
        {
            run.Err.WriteLine($"not attempted (an ancestor failed): {string.Join(", ", blocked)}");
        }
        run.Err.WriteLine("nothing was written");
        return ExitCodes.CheckFailed;
    }

    /// <summary><c>--check</c>: every lock against a fresh solve of its layer; nothing is written.</summary>
    private static int Compared(CommandRun run, Workspace workspace, LockRun result, bool quiet)
    {
        var changed = result.Results.OfType<LayerLocked>().ToList();
        var moved = changed.Where(l => l.BaseImageMoved).Select(l => l.Layer).ToHashSet(StringComparer.Ordinal);
        foreach (var l in changed.Where(l => !l.BaseImageMoved && moved.Contains(workspace.Tree.RootOf(l.Layer).Name)))
        {
            var root = workspace.Tree.RootOf(l.Layer).Name;
            run.Report([Diagnostic.Error(new SourceLocation(LockStore.RelativePath(l.Layer)), DiagnosticCode.LockWouldChange,
                $"this lock would change with its root's: the base image of '{root}' moved; run 'beacon lock {root} --update-base' (it locks this layer again too)")]);
        }
        foreach (var l in changed.Where(l => l.BaseImageMoved || !moved.Contains(workspace.Tree.RootOf(l.Layer).Name)))
        {
            run.Report([Diagnostic.Error(new SourceLocation(LockStore.RelativePath(l.Layer)), DiagnosticCode.LockWouldChange,
                l.BaseImageMoved
                    ? $"the base image's tag names another image than this lock pins ({l.Reason}); review it, then run 'beacon lock {l.Layer} --update-base' and commit the locks"
                    : $"'beacon lock' would change this lock ({l.Reason}){(l.Changed.Count > 0 ? $": {string.Join(", ", l.Changed.Take(5))}{(l.Changed.Count > 5 ? ", …" : "")}" : "")}; run 'beacon lock {l.Layer}' and commit it")]);
        }
        if (!quiet && changed.Count == 0)
        {
            run.Out.WriteLine($"lock check passed: {Plural.Of(result.Solves, "layer")} solved again, every lock as 'beacon lock' writes it");
        }
        return changed.Count == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
    }
}
