using Beacon.Cli.Hosting;
using Beacon.Conda.Channels;

namespace Beacon.Cli.Commands;

/// <summary>The one way commands read channels: local folders directly, http(s) through the verified cache.</summary>
internal static class ChannelAccess
{
    public static ChannelLoader Loader(CliConsole console, HttpClient http, bool offline) =>
        new(new RepodataFetcher(http, new FetchOptions
        {
            CacheDirectory = ChannelLoader.DefaultCacheDirectory(console.Environment),
            Offline = offline,
        }));
}
