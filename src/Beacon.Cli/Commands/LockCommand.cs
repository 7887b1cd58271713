using Beacon.Cli.Output;
using System.ComponentModel;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Locking;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon lock [layer...] [--update pkg...]</c>: solve the tree top-down and write layers/&lt;name&gt;.lock.</summary>
public sealed class LockCommand : AsyncCommand<LockCommand.Settings>
{
    public sealed class Settings : RepositoryCommandSettings
    {
        [CommandArgument(0, "[LAYER]")]
        [Description("Layers to lock (their stale ancestors too); default: every layer.")]
        public string[] Layers { get; init; } = [];

        [CommandOption("-u|--update <PACKAGE>")]
        [Description("Free a package from the existing locks so it moves to its best version. Repeatable.")]
        public string[] Update { get; init; } = [];

        [CommandOption("-q|--quiet")]
        [Description("Print nothing but errors.")]
        public bool Quiet { get; init; }

        [CommandOption("--offline")]
        [Description("Use cached repodata only.")]
        public bool Offline { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var workspace = WorkspaceCommand.Load(settings, out var exit);
        if (workspace is null)
        {
            return exit;
        }
        var unknown = settings.Layers.Where(l => !workspace.Tree.Contains(l)).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"beacon lock: error {DiagnosticCodes.Id(DiagnosticCode.UnknownParent)}: no such layer: {string.Join(", ", unknown)}");
            return ExitCodes.InvalidInput;
        }
        using var http = new HttpClient();
        var locker = new Locker(workspace, WorkspaceCommand.ChannelLoader(http, settings.Offline));
        LockRun run;
        try
        {
            var options = new LockOptions { Layers = settings.Layers, Update = settings.Update };
            if (settings.Quiet)
            {
                run = await locker.RunAsync(options, null, cancellationToken);
            }
            else if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsErrorRedirected)
            {
                // A spinner with the layer being solved for people at a terminal; plain lines for CI logs.
                run = await AnsiConsole.Status().StartAsync("reading channels", async status =>
                    await locker.RunAsync(options, message => status.Status(Markup.Escape(message)), cancellationToken));
            }
            else
            {
                run = await locker.RunAsync(options, message => Console.Error.WriteLine(message), cancellationToken);
            }
        }
        catch (LockChannelException e)
        {
            Console.Error.WriteLine($"beacon lock: error {DiagnosticCodes.Id(DiagnosticCode.InvalidChannel)}: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        foreach (var failed in run.Results.Where(r => r.Status == LockStatus.Failed))
        {
            var layer = workspace.Tree[failed.Layer];
            var parent = layer.Parent?.Value;
            Console.Error.WriteLine($"{layer.File}(1,1): error {DiagnosticCodes.Id(DiagnosticCode.LayerNotLockable)}: layer '{failed.Layer}' cannot be locked{(parent is null ? "" : $" on top of its parent '{parent}'")}:");
            Console.Error.Write(TextBlock.Indent(failed.Explanation!));
            if (parent is not null && failed.Explanation!.Contains($"layer '{parent}'", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"  To change what '{parent}' fixes without touching production: beacon fork {parent} --as {parent}-next --add <spec>, then set 'parent: {parent}-next' in {layer.File}.");
            }
        }
        if (!run.Success)
        {
            var blocked = run.Results.Where(r => r.Status == LockStatus.Blocked).Select(r => r.Layer).ToList();
            if (blocked.Count > 0)
            {
                Console.Error.WriteLine($"not attempted (an ancestor failed): {string.Join(", ", blocked)}");
            }
            Console.Error.WriteLine("nothing was written");
            return ExitCodes.CheckFailed;
        }
        locker.Write(run);
        if (!settings.Quiet)
        {
            foreach (var r in run.Results)
            {
                Console.Out.WriteLine(r.Status == LockStatus.Locked
                    ? $"locked      {r.Layer}: {r.Added!.Count} packages of its own{(r.Changed!.Count > 0 ? $", {r.Changed.Count} changed" : "")} ({r.Reason})"
                    : $"up to date  {r.Layer}");
            }
            Console.Out.WriteLine($"{run.Solves} layer(s) solved, {run.Results.Count(r => r.Status == LockStatus.Locked)} lock file(s) written");
        }
        return ExitCodes.Success;
    }

}
