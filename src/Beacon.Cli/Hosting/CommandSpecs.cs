using Beacon.Conda.Specs;
using Beacon.Layers.Diagnostics;

namespace Beacon.Cli.Hosting;

/// <summary>MatchSpecs given on the command line (--requires): parsed, or the first bad one as BEA0109.</summary>
internal static class CommandSpecs
{
    public static IReadOnlyList<MatchSpec>? Parse(CommandRun run, IEnumerable<string> texts, out int exitCode)
    {
        if (MatchSpec.TryParseAll(texts, null, out var specs) is { } refusal)
        {
            exitCode = run.Fail(DiagnosticCode.InvalidMatchSpec, refusal);
            return null;
        }
        exitCode = ExitCodes.Success;
        return specs;
    }
}
