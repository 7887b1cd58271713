using System.ComponentModel;
using System.Text.Json;
using Beacon.Conda.Channels;
using Beacon.Conda.Solver;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon solve</c>: one solve against channels, for people (a table) and scripts (<c>--json</c>).</summary>
public sealed class SolveCommand : AsyncCommand<SolveCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SPEC>")]
        [Description("conda MatchSpecs, e.g. \"python 3.11.*\" numpy.")]
        public string[] Specs { get; init; } = [];

        [CommandOption("-c|--channel <CHANNEL>")]
        [Description("A channel folder or http(s) URL; repeat in priority order.")]
        public string[] Channels { get; init; } = [];

        [CommandOption("--platform <PLATFORM>")]
        [Description("The conda platform to solve for (default linux-64).")]
        [DefaultValue("linux-64")]
        public string Platform { get; init; } = "linux-64";

        [CommandOption("--virtual <NAME=VERSION>")]
        [Description("Set a virtual package, e.g. __cuda=12.1; an empty value (__cuda=) removes it. Repeatable.")]
        public string[] Virtual { get; init; } = [];

        [CommandOption("--pin-file <LOCK>")]
        [Description("An explicit lock whose records must be installed exactly (a parent layer).")]
        public string? PinFile { get; init; }

        [CommandOption("--channel-priority <MODE>")]
        [Description("strict (default), flexible or disabled.")]
        [DefaultValue("strict")]
        public string ChannelPriority { get; init; } = "strict";

        [CommandOption("--offline")]
        [Description("Use cached repodata only.")]
        public bool Offline { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON object on stdout.")]
        public bool Json { get; init; }

        public override ValidationResult Validate()
        {
            if (Channels.Length == 0)
            {
                return ValidationResult.Error("at least one --channel is needed");
            }
            if (ChannelPriority is not ("strict" or "flexible" or "disabled"))
            {
                return ValidationResult.Error($"--channel-priority must be strict, flexible or disabled, not '{ChannelPriority}'");
            }
            return Virtual.All(v => v.Contains('=', StringComparison.Ordinal))
                ? ValidationResult.Success()
                : ValidationResult.Error("--virtual takes NAME=VERSION, e.g. __cuda=12.1 (or __cuda= for none)");
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var options = new SolveJobOptions
        {
            Channels = settings.Channels,
            Specs = settings.Specs,
            Platform = settings.Platform,
            Virtual = settings.Virtual.Select(v => new KeyValuePair<string, string>(v[..v.IndexOf('=')], v[(v.IndexOf('=') + 1)..])).ToList(),
            PinFile = settings.PinFile,
            Priority = Enum.Parse<ChannelPriority>(settings.ChannelPriority, ignoreCase: true),
        };
        SolveResult result;
        try
        {
            result = await SolveJob.RunAsync(options, WorkspaceCommand.ChannelLoader(http, settings.Offline), w => Console.Error.WriteLine($"warning: {w}"), cancellationToken);
        }
        catch (SolveInputException e)
        {
            Console.Error.WriteLine($"beacon solve: error {DiagnosticCodes.Id(CodeFor(e.Kind))}: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        if (settings.Json)
        {
            object document = result.Solved
                ? new { solved = true, packages = result.Records!.Select(r => new
                {
                    name = r.Name, version = r.Version.Text, build = r.Build, build_number = r.BuildNumber, subdir = r.Subdir,
                    channel = r.Channel, fn = r.FileName, url = r.Url, sha256 = r.Sha256,
                }).ToList() }
                : new { solved = false, explanation = result.Conflict!.Text };
            Console.Out.Write(JsonSerializer.Serialize(document, JsonOptions.Indented) + "\n");
        }
        else if (result.Solved)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("Name", "Version", "Build", "Channel");
            foreach (var r in result.Records!)
            {
                table.AddRow(Markup.Escape(r.Name), Markup.Escape(r.Version.Text), Markup.Escape(r.Build), Markup.Escape(ShortChannel(r.Channel)));
            }
            AnsiConsole.Write(table);
            Console.Out.WriteLine($"{result.Records!.Count} packages");
        }
        else
        {
            Console.Error.Write(result.Conflict!.Text);
        }
        return result.Solved ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    /// <summary>The channel's last path segment (conda-forge, demo): the full URL is in --json.</summary>
    private static string ShortChannel(string url) => url.TrimEnd('/')[(url.TrimEnd('/').LastIndexOf('/') + 1)..];

    private static DiagnosticCode CodeFor(SolveInputError kind) => kind switch
    {
        SolveInputError.Spec => DiagnosticCode.InvalidMatchSpec,
        SolveInputError.VirtualPackage => DiagnosticCode.InvalidVirtualPackage,
        SolveInputError.MissingFile => DiagnosticCode.UnreadableFile,
        SolveInputError.InvalidLock => DiagnosticCode.InvalidLockFile,
        SolveInputError.Channel => DiagnosticCode.InvalidChannel,
        _ => DiagnosticCode.InvalidValue,
    };
}
