using Beacon.Cli.Hosting;
using Beacon.Layers.Loading;

namespace Beacon.Cli.Commands;

/// <summary>Loading the repository for a command: its diagnostics reported, null (exit 2) when it is invalid.</summary>
internal static class Repository
{
    public static string Root(CommandRun run, string? repo) => run.Console.FullPath(repo ?? ".");

    public static Workspace? Load(CommandRun run, string? repo, out int exitCode)
    {
        var result = WorkspaceLoader.Load(Root(run, repo));
        run.Report(result.Diagnostics);
        exitCode = result.Success ? ExitCodes.Success : run.Failed(ExitCodes.InvalidInput);
        return result.Success ? result.Workspace : null;
    }
}
