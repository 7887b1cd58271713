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

    /// <summary>Every record of the channel's subdirs (for a sharded channel, every shard: meant for small channels).</summary>
    /// <param name="location">Where to read from.</param>
    /// <param name="subdirs">Platform and noarch.</param>
    /// <param name="name">The channel's name in specs (conda-forge).</param>
    /// <param name="url">The channel URL recorded in locks; defaults to the location.</param>
    /// <param name="warnings">Receives cache-fallback warnings.</param>
    /// <param name="policy">How records are checked (default <see cref="RepodataPolicy.Channel"/>, what locks need).</param>
    public async Task<ChannelData> LoadAsync(string location, IReadOnlyList<string> subdirs, string? name = null, string? url = null,
        Action<string>? warnings = null, RepodataPolicy? policy = null, CancellationToken cancellationToken = default)
    {
        var source = await OpenAsync(location, subdirs, name, url, warnings, policy, cancellationToken);
        var records = await source.AllAsync(cancellationToken);
        return new ChannelData(source.Name, source.Url, records) { LeftOut = source.LeftOut };
    }

    /// <summary>
    /// Opens the channel's subdirs: a subdir with a CEP-16 shard index is read by shards (only the names asked for),
    /// any other from its repodata.json(.zst), whole. A missing subdir is empty (many channels have no noarch or no
    /// platform packages); a channel with neither for any subdir is an error.
    /// </summary>
    public async Task<ChannelSource> OpenAsync(string location, IReadOnlyList<string> subdirs, string? name = null, string? url = null,
        Action<string>? warnings = null, RepodataPolicy? policy = null, CancellationToken cancellationToken = default)
    {
        var reader = new RepodataReader(policy);
        if (!IsRemote(location))
        {
            var folder = location.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(location).LocalPath : location;
            return LocalChannel.Open(folder, subdirs, name, url, reader, fetcher is null ? null : Path.Combine(fetcher.CacheDirectory, "repodata-index"));
        }
        if (fetcher is null)
        {
            throw new RepodataException($"cannot read {location}: no HTTP client configured");
        }
        var channelUrl = url ?? location.TrimEnd('/');
        var opened = new List<SubdirRecords>();
        foreach (var subdir in subdirs)
        {
            var index = await fetcher.FetchShardIndexAsync(location, subdir, cancellationToken);
            if (index is not null)
            {
                Warn(index, warnings);
                var subdirUrl = $"{location.TrimEnd('/')}/{subdir}/";
                var shards = ShardIndex.Read(index.Body, index.Url);
                var shardsBase = ShardLocation.Remote(subdirUrl, shards.ShardsBaseUrl, index.Url);
                opened.Add(new ShardedSubdir(subdir, shards, LocalChannel.Sha256Of(index.Body),
                    (sha256, refresh, token) => fetcher.FetchShardAsync(shardsBase + ShardIndex.ShardFileName(sha256), sha256, refresh, token),
                    reader, channelUrl, subdirUrl.TrimEnd('/')));
                continue;
            }
            opened.Add(await OpenRepodataAsync(fetcher, location, subdir, channelUrl, reader, warnings, cancellationToken));
        }
        return new ChannelSource(name ?? location.TrimEnd('/')[(location.TrimEnd('/').LastIndexOf('/') + 1)..], channelUrl, opened, reader);
    }

    /// <summary>
    /// An http subdir without shards: its repodata.json kept as a file in the cache and read by name through its index.
    /// The index's hash of the file is checked against the one it was stored with; a copy changed on disk is fetched again.
    /// </summary>
    private static async Task<SubdirRecords> OpenRepodataAsync(RepodataFetcher fetcher, string location, string subdir, string channelUrl,
        RepodataReader reader, Action<string>? warnings, CancellationToken cancellationToken)
    {
        var indexes = Path.Combine(fetcher.CacheDirectory, "repodata-index");
        for (var attempt = 0; ; attempt++)
        {
            var file = await fetcher.FetchRepodataFileAsync(location, subdir, indexes, cancellationToken);
            var index = RepodataIndex.Open(file.Path, indexes, file.ContentHash);
            if (index is null)
            {
                fetcher.Forget(location, subdir);
                if (attempt == 0)
                {
                    continue;
                }
                throw new RepodataException($"the cached copy of {file.Url} does not hash to what was stored, twice; is something else writing {fetcher.CacheDirectory}?");
            }
            if (file.Warning is not null)
            {
                warnings?.Invoke(file.Warning);
            }
            return new IndexedSubdir(subdir, index, reader, channelUrl, file.Url);
        }
    }

    private static void Warn(FetchResult result, Action<string>? warnings)
    {
        if (result.Warning is not null)
        {
            warnings?.Invoke(result.Warning);
        }
    }
}
