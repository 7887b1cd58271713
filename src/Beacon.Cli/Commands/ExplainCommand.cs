using System.ComponentModel;
using Beacon.Layers.Diagnostics;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon explain [BEA0xxx]</c>: what a diagnostic code means (all codes without an argument).</summary>
public sealed class ExplainCommand : Command<ExplainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[CODE]")]
        [Description("A diagnostic code such as BEA0103.")]
        public string? Code { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var all = DiagnosticCodes.Summaries.OrderBy(kv => kv.Key).ToList();
        if (settings.Code is null)
        {
            foreach (var (code, summary) in all)
            {
                Console.Out.WriteLine($"{DiagnosticCodes.Id(code)}  {summary}");
            }
            return ExitCodes.Success;
        }
        var match = all.FirstOrDefault(kv => string.Equals(DiagnosticCodes.Id(kv.Key), settings.Code.Trim(), StringComparison.OrdinalIgnoreCase));
        if (match.Value is null)
        {
            Console.Error.WriteLine($"beacon explain: '{settings.Code}' is not a Beacon diagnostic code (run 'beacon explain' for the list)");
            return ExitCodes.InvalidInput;
        }
        Console.Out.WriteLine($"{DiagnosticCodes.Id(match.Key)} ({match.Key}): {match.Value}");
        return ExitCodes.Success;
    }
}
