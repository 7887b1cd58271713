using Beacon.Cli.Output;
using Beacon.Layers.Loading;

namespace Beacon.Cli.Commands;

/// <summary>Loading the repository for a command: diagnostics to stderr and exit 2 when it is invalid.</summary>
internal static class WorkspaceCommand
{
    public static Workspace? Load(RepositoryCommandSettings settings, out int exitCode)
    {
        var result = WorkspaceLoader.Load(settings.RepositoryRoot);
        DiagnosticPrinter.Print(result.Diagnostics, Console.Error);
        exitCode = result.Success ? ExitCodes.Success : ExitCodes.InvalidInput;
        return result.Success ? result.Workspace : null;
    }

    public static Beacon.Conda.Channels.ChannelLoader ChannelLoader(HttpClient http, bool offline) =>
        new(new Beacon.Conda.Channels.RepodataFetcher(http, new Beacon.Conda.Channels.FetchOptions
        {
            CacheDirectory = Beacon.Conda.Channels.ChannelLoader.DefaultCacheDirectory(),
            Offline = offline,
        }));
}
