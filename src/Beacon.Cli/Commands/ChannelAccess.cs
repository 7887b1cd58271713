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

    /// <summary>The registries, asked for a root's base-image digest (the credentials Docker's config gives); none offline.</summary>
    public static Layers.Locking.BaseImageResolver? BaseImages(CliConsole console, HttpClient http, bool offline) =>
        offline ? null : Oci.Registry.BaseImageDigests.From(new Oci.Registry.RegistryClient(http, Oci.Registry.RegistryCredentials.FromEnvironment(console.Environment)));
}
