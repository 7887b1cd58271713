using Beacon.Layers.Documents;

namespace Beacon.Layers.Locking;

/// <summary>Where a channel named in a layer is read from, and the URL its packages are recorded under in locks.</summary>
public sealed record ResolvedChannel(string Name, string Location, string Url);

/// <summary>
/// Applies beacon.yaml's channel mirrors: <c>conda-forge: ./channels/demo</c> reads repodata from that folder while
/// locks keep the channel's canonical URL (https://conda.anaconda.org/conda-forge), so the same lock results on
/// every machine whatever mirror it used.
/// </summary>
public static class ChannelResolver
{
    public const string DefaultChannelHost = "https://conda.anaconda.org";

    public static ResolvedChannel Resolve(string channel, RepositorySettings settings, string repositoryRoot)
    {
        var isUrl = channel.Contains("://", StringComparison.Ordinal);
        var url = isUrl ? channel.TrimEnd('/') : $"{DefaultChannelHost}/{channel}";
        if (settings.ChannelMirrors.TryGetValue(channel, out var mirror))
        {
            var location = mirror.Contains("://", StringComparison.Ordinal) ? mirror : Path.GetFullPath(Path.Combine(repositoryRoot, mirror));
            return new ResolvedChannel(channel, location, url);
        }
        return new ResolvedChannel(channel, url, url);
    }
}
