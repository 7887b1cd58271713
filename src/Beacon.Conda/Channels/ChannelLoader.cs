using Beacon.Conda.Repodata;

namespace Beacon.Conda.Channels;

/// <summary>Loads a channel from where it lives: an http(s) URL (through the cache) or a folder / file:// URL.</summary>
public sealed class ChannelLoader(RepodataFetcher? fetcher)
{
    /// <summary>The cache folder: BEACON_CACHE_DIR, else $XDG_CACHE_HOME/beacon, else ~/.cache/beacon.</summary>
    public static string DefaultCacheDirectory(Func<string, string?> environment)
    {
        if (environment("BEACON_CACHE_DIR") is { Length: > 0 } dir)
        {
            return dir;
        }
        var xdg = environment("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "beacon", "repodata");
    }

    public static bool IsRemote(string location) =>
        location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <param name="location">Where to read from.</param>
    /// <param name="subdirs">Platform and noarch.</param>
    /// <param name="name">The channel's name in specs (conda-forge).</param>
    /// <param name="url">The channel URL recorded in locks; defaults to the location.</param>
    /// <param name="warnings">Receives cache-fallback warnings.</param>
    /// <param name="policy">How records are checked (default <see cref="RepodataPolicy.Channel"/>, what locks need).</param>
    public async Task<ChannelData> LoadAsync(string location, IReadOnlyList<string> subdirs, string? name = null, string? url = null,
        Action<string>? warnings = null, RepodataPolicy? policy = null, CancellationToken cancellationToken = default)
    {
        if (!IsRemote(location))
        {
            var folder = location.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(location).LocalPath : location;
            return LocalChannel.Load(folder, subdirs, name, url, new RepodataReader(policy));
        }
        if (fetcher is null)
        {
            throw new RepodataException($"cannot read {location}: no HTTP client configured");
        }
        var reader = new RepodataReader(policy);
        var channelUrl = url ?? location.TrimEnd('/');
        var records = new List<Records.PackageRecord>();
        foreach (var subdir in subdirs)
        {
            var result = await fetcher.FetchAsync(location, subdir, cancellationToken);
            if (result.Warning is not null)
            {
                warnings?.Invoke(result.Warning);
            }
            records.AddRange(reader.Read(result.Json, channelUrl, subdir));
        }
        return new ChannelData(name ?? location.TrimEnd('/')[(location.TrimEnd('/').LastIndexOf('/') + 1)..], channelUrl, records) { LeftOut = reader.LeftOut };
    }
}
