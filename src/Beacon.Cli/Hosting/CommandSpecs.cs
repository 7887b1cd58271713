using Beacon.Conda.Specs;
using Beacon.Layers.Diagnostics;

namespace Beacon.Cli.Hosting;

/// <summary>MatchSpecs given on the command line (--requires): parsed, or the first bad one as BEA0109.</summary>
internal static class CommandSpecs
{
    public static IReadOnlyList<MatchSpec>? Parse(CommandRun run, IEnumerable<string> texts, out int exitCode)
    {
        var specs = new List<MatchSpec>();
        foreach (var text in texts)
        {
            var parsed = MatchSpec.TryParse(text);
            if (!parsed.Success)
            {
                exitCode = run.Fail(DiagnosticCode.InvalidMatchSpec, $"'{Conda.Parsing.Printable.Of(text)}' is not a valid conda MatchSpec: {parsed.Error.Message}");
                return null;
            }
            specs.Add(parsed.Value);
        }
        exitCode = ExitCodes.Success;
        return specs;
    }
}
