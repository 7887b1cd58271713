using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Layers.Diagnostics;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon explain [BEA0xxx]</c>: what a diagnostic code means (every code without an argument).</summary>
internal static class ExplainCommand
{
    public static Command Create(CliConsole console)
    {
        var code = Options.Optional("code", "A diagnostic code such as BEA0103.");
        var command = new Command("explain", "What a diagnostic code means; without a code, every code.") { code };
        command.SetAction(parse =>
        {
            var run = new CommandRun(console, "explain", json: false);
            var all = DiagnosticCodes.Summaries.OrderBy(kv => kv.Key).ToList();
            if (parse.GetValue(code) is not { } wanted)
            {
                foreach (var (c, summary) in all)
                {
                    run.Out.WriteLine($"{DiagnosticCodes.Id(c)}  {summary}");
                }
                return ExitCodes.Success;
            }
            var match = all.FirstOrDefault(kv => string.Equals(DiagnosticCodes.Id(kv.Key), wanted.Trim(), StringComparison.OrdinalIgnoreCase));
            if (match.Value is null)
            {
                return run.Fail(DiagnosticCode.InvalidCommandLine, $"'{wanted}' is not a Beacon diagnostic code (run 'beacon explain' for the list)");
            }
            run.Out.WriteLine($"{DiagnosticCodes.Id(match.Key)} ({match.Key}): {match.Value}");
            return ExitCodes.Success;
        });
        return command;
    }
}
