using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Locking;
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
        var offline = Options.Flag("--offline", "Use cached repodata only.");
        var repo = Options.Repo();
        var command = new Command("lock", "Solve the layer tree top-down (each child on its parent's records as hard pins) and write layers/<name>.lock.")
        {
            layers, update, quiet, offline, repo,
        };
        command.SetAction((parse, token) => RunAsync(new CommandRun(console, "lock", json: false), parse.GetValue(repo), parse.GetValue(layers)!,
            parse.GetValue(update)!, parse.GetValue(quiet), parse.GetValue(offline), token));
        return command;
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, string[] layers, string[] update, bool quiet, bool offline, CancellationToken token)
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
        using var http = new HttpClient();
        var locker = new Locker(workspace, ChannelAccess.Loader(run.Console, http, offline));
        var options = new LockOptions { Layers = layers, Update = update };
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
        foreach (var failed in result.Results.OfType<LayerNotLocked>())
        {
            var layer = workspace.Tree[failed.Layer];
            var parent = layer.Parent?.Value;
            run.Err.WriteLine(Diagnostic.Error(new SourceLocation(layer.File), DiagnosticCode.LayerNotLockable,
                $"layer '{failed.Layer}' cannot be locked{(parent is null ? "" : $" on top of its parent '{parent}'")}:"));
            run.Err.Write(TextBlock.Indent(failed.Explanation));
            if (failed.Hint(layer.File) is { } hint)
            {
                run.Err.Write(TextBlock.Indent(hint));
            }
        }
        if (!result.Success)
        {
            var blocked = result.Results.OfType<LayerBlocked>().Select(r => r.Layer).ToList();
            if (blocked.Count > 0)
            {
                run.Err.WriteLine($"not attempted (an ancestor failed): {string.Join(", ", blocked)}");
            }
            run.Err.WriteLine("nothing was written");
            return ExitCodes.CheckFailed;
        }
        locker.Write(result);
        if (!quiet)
        {
            foreach (var r in result.Results)
            {
                run.Out.WriteLine(r is LayerLocked l
                    ? $"locked      {l.Layer}: {l.Added.Count} packages of its own{(l.Changed.Count > 0 ? $", {l.Changed.Count} changed" : "")} ({l.Reason})"
                    : $"up to date  {r.Layer}");
            }
            run.Out.WriteLine($"{result.Solves} layer(s) solved, {result.Results.OfType<LayerLocked>().Count()} lock file(s) written");
        }
        return ExitCodes.Success;
    }
}
