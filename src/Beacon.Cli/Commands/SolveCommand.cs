using Beacon.Conda.Net;
using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Conda.Solver;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Rendering;
using Spectre.Console;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon solve</c>: one solve against channels, for people (a table) and scripts (<c>--json</c>).</summary>
internal static class SolveCommand
{
    public static Command Create(CliConsole console)
    {
        var specs = Options.Many("spec", "conda MatchSpecs, e.g. \"python 3.11.*\" numpy.");
        specs.Arity = ArgumentArity.OneOrMore;
        var channels = Options.List("--channel", "A channel folder or http(s) URL, in priority order.", "channel", required: true, "-c");
        var platform = Options.Text("--platform", "The conda platform to solve for (default linux-64).", "platform");
        var virtuals = Options.List("--virtual", "A virtual package as conda info prints it, name=version[=build] (e.g. __cuda=12.1, __archspec=1=x86_64); name= removes one.", "package");
        var pinFile = Options.Text("--pin-file", "An explicit lock whose records must be installed exactly (a parent layer).", "lock");
        var priority = new Option<string>("--channel-priority") { Description = "strict (default), flexible or disabled.", DefaultValueFactory = _ => "strict", HelpName = "mode" };
        priority.AcceptOnlyFromAmong("strict", "flexible", "disabled");
        var offline = Options.Offline();
        var json = Options.Json();
        var command = new Command("solve", "Solve conda specs against channels: a table, or JSON for scripts; exit 1 with an explanation when unsatisfiable.")
        {
            specs, channels, platform, virtuals, pinFile, priority, offline, json,
        };
        command.SetAction((parse, token) => RunAsync(new CommandRun(console, "solve", parse.GetValue(json)), new SolveJobOptions
        {
            Channels = parse.GetValue(channels)!,
            Specs = parse.GetValue(specs)!,
            Platform = parse.GetValue(platform) ?? "linux-64",
            Virtual = parse.GetValue(virtuals)!,
            PinFile = parse.GetValue(pinFile) is { } pin ? console.FullPath(pin) : null,
            Priority = Enum.Parse<ChannelPriority>(parse.GetValue(priority)!, ignoreCase: true),
            // conda's CONDA_OVERRIDE_* variables apply to a one-off solve on this machine, as they do for conda.
            Overrides = console.Environment,
        }, parse.GetValue(offline), token));
        return command;
    }

    private static async Task<int> RunAsync(CommandRun run, SolveJobOptions options, bool offline, CancellationToken token)
    {
        using var http = BeaconHttp.Create();
        SolveResult result;
        try
        {
            var channels = options.Channels.Select(c => c.Contains("://", StringComparison.Ordinal) ? c : run.Console.FullPath(c)).ToList();
            result = await SolveJob.RunAsync(options with { Channels = channels }, ChannelAccess.Loader(run.Console, http, offline),
                w => run.Progress($"warning: {w}"), token);
        }
        catch (SolveInputException e)
        {
            var (code, option) = e.Kind switch
            {
                SolveInputError.Spec => (DiagnosticCode.InvalidMatchSpec, "spec"),
                SolveInputError.VirtualPackage => (DiagnosticCode.InvalidVirtualPackage, "--virtual"),
                SolveInputError.MissingFile => (DiagnosticCode.UnreadableFile, "--pin-file"),
                SolveInputError.InvalidLock => (DiagnosticCode.InvalidLockFile, "--pin-file"),
                SolveInputError.Channel => (DiagnosticCode.ChannelUnavailable, "--channel"),
                _ => (DiagnosticCode.InvalidCommandLine, "--platform"),
            };
            return run.Fail(code, $"{option}: {e.Message}");
        }

        if (run.Json)
        {
            var document = result.Solved
                ? new SolveJson(true, result.Records!.Select(r => new SolvedPackageJson(r.Name, r.Version.Text, r.Build, r.BuildNumber, r.Subdir, r.Channel, r.FileName, r.Url, r.Sha256)).ToList(), null)
                : new SolveJson(false, null, result.Conflict!.Text);
            run.Out.Write(JsonOptions.Write(document, CliJson.Styled.SolveJson));
        }
        else if (result.Solved)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("Name", "Version", "Build", "Channel");
            foreach (var r in result.Records!)
            {
                table.AddRow(Markup.Escape(r.Name), Markup.Escape(r.Version.Text), Markup.Escape(r.Build), Markup.Escape(ShortChannel(r.Channel)));
            }
            var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(run.Out), ColorSystem = ColorSystemSupport.NoColors });
            terminal.Write(table);
            run.Out.WriteLine($"{result.Records!.Count} packages");
        }
        else
        {
            run.Err.Write(result.Conflict!.Text);
            foreach (var name in result.Conflict.MissingVirtualPackages)
            {
                run.Err.WriteLine($"hint: the target has no {name}; to solve for one that has it: --virtual {name}=<version>");
            }
        }
        return result.Solved ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    /// <summary>The channel's last path segment (conda-forge, demo): the full URL is in --json.</summary>
    private static string ShortChannel(string url) => url.TrimEnd('/')[(url.TrimEnd('/').LastIndexOf('/') + 1)..];
}
