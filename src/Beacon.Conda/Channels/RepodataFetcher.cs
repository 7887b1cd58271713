using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Beacon.Conda.Repodata;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Beacon.Conda;

namespace Beacon.Conda.Channels;

/// <summary>Settings of <see cref="RepodataFetcher"/>; the defaults suit a CI run against a real channel.</summary>
public sealed record FetchOptions
{
    /// <summary>Where fetched repodata is kept (one verified file per URL, plus its ETag/Last-Modified state).</summary>
    public required string CacheDirectory { get; init; }
    public int MaxRetries { get; init; } = 3;
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Per attempt: a server that never answers costs at most this, times (retries + 1).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Never touch the network; serve verified cache entries only.</summary>
    public bool Offline { get; init; }
}

/// <summary>How a fetch was served.</summary>
public enum FetchSource
{
    Network,
    /// <summary>The server answered 304 Not Modified: the cached copy is current.</summary>
    NotModified,
    /// <summary>The network failed (or offline mode): the last verified copy was used.</summary>
    CacheFallback,
}

/// <summary>A document fetched whole (the CEP-16 shard index, as served): its bytes and how they were served.</summary>
public sealed record FetchResult(byte[] Body, FetchSource Source, string Url, int Attempts, string? Warning = null);

/// <summary>A subdir's repodata.json kept in the cache as a plain file, with the content hash it was stored with (<see cref="Repodata.RepodataIndex.ContentHash"/>).</summary>
public sealed record RepodataFile(string Path, string ContentHash, FetchSource Source, string Url, int Attempts, string? Warning = null);

/// <summary>
/// Fetches <c>&lt;channel&gt;/&lt;subdir&gt;/repodata.json</c> (preferring <c>.json.zst</c>; kept as a plain file and
/// read through its index), the CEP-16 shard index and shards, with an on-disk cache:
/// conditional requests with ETag / Last-Modified, retries with exponential backoff for transient failures (5xx,
/// 429, connection errors, truncated bodies, timeouts), a bounded time per attempt, and verification both ways: a
/// body that does not parse as repodata is never cached, and a cache file whose checksum no longer matches is
/// discarded and fetched again. When the network fails, the last verified copy is used with a warning.
/// </summary>
public sealed class RepodataFetcher(HttpClient http, FetchOptions options)
{
    /// <summary>The cache folder (the repodata index of local channels is kept under it too).</summary>
    public string CacheDirectory => options.CacheDirectory;

    /// <summary>
    /// The subdir's repodata.json as a plain file in the cache, never held in memory: the body (preferring
    /// <c>.json.zst</c>) is decompressed by stream into a scratch file, which must index as JSON
    /// (<see cref="RepodataIndex"/>, kept in <paramref name="indexDirectory"/>) before it replaces the cached copy.
    /// The cached copy is not hashed here: its reader hashes it anyway (the index is keyed by that hash) and compares
    /// with <see cref="RepodataFile.ContentHash"/>; <see cref="Forget"/> drops a copy that no longer matches.
    /// </summary>
    public async Task<RepodataFile> FetchRepodataFileAsync(string channelUrl, string subdir, string indexDirectory, CancellationToken cancellationToken = default)
    {
        var baseUrl = $"{channelUrl.TrimEnd('/')}/{subdir}/repodata.json";
        var (cachePath, statePath) = CachePaths(baseUrl);
        var cached = LoadCacheState(cachePath, statePath);
        if (options.Offline)
        {
            return cached is not null
                ? new RepodataFile(cachePath, cached.ContentHash, FetchSource.CacheFallback, baseUrl, 0)
                : throw new RepodataException($"offline: no cached repodata for {baseUrl}; run once with network access first");
        }
        var attempts = 0;
        try
        {
            var result = await Pipeline().ExecuteAsync(async token =>
            {
                attempts++;
                return await FetchFileOnceAsync([baseUrl + ".zst", baseUrl], cachePath, indexDirectory, cached, token);
            }, cancellationToken);
            if (result.NotModified)
            {
                return new RepodataFile(cachePath, cached!.ContentHash, FetchSource.NotModified, baseUrl, attempts);
            }
            AtomicFile.WriteAllText(statePath, JsonSerializer.Serialize(
                new CacheState(result.Url, result.ETag, result.LastModified, result.ContentHash!, result.Size, DateTimeOffset.UtcNow), CacheStateJson.Default.CacheState));
            return new RepodataFile(cachePath, result.ContentHash!, FetchSource.Network, result.Url, attempts);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutRejectedException or TransientException or RepodataException
                                      && !cancellationToken.IsCancellationRequested)
        {
            return cached is not null
                ? new RepodataFile(cachePath, cached.ContentHash, FetchSource.CacheFallback, baseUrl, attempts, CachedInstead(baseUrl, attempts, e, cached))
                : throw CouldNotFetch(baseUrl, attempts, e);
        }
    }

    /// <summary>Drops the cached repodata of a subdir (its reader found the file no longer hashes to its state).</summary>
    public void Forget(string channelUrl, string subdir)
    {
        var (cachePath, statePath) = CachePaths($"{channelUrl.TrimEnd('/')}/{subdir}/repodata.json");
        Discard(cachePath, statePath);
    }

    private sealed record FileAttempt(bool NotModified, string Url, string? ETag, string? LastModified, string? ContentHash, long Size);

    private async Task<FileAttempt> FetchFileOnceAsync(string[] urls, string cachePath, string indexDirectory, CacheState? state, CancellationToken token)
    {
        foreach (var url in urls)
        {
            using var request = ConditionalGet(url, state);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            if (response.StatusCode == HttpStatusCode.NotModified && state is not null && state.Url == url)
            {
                return new FileAttempt(true, url, state.ETag, state.LastModified, state.ContentHash, state.Size);
            }
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden && url != urls[^1])
            {
                continue;
            }
            ThrowUnlessSuccess(response, url);
            var scratch = $"{cachePath}.{Guid.NewGuid():N}.download";
            try
            {
                var size = await DownloadAsync(response, url, scratch, url.EndsWith(".zst", StringComparison.Ordinal), token);
                string contentHash;
                try
                {
                    // Never cache what does not parse: a truncated or garbled body is retried instead.
                    using var index = RepodataIndex.Open(scratch, indexDirectory);
                    index.EnsureIndexed();
                    contentHash = index.ContentHash;
                }
                catch (RepodataException e)
                {
                    throw new TransientException($"{url}: the body is not valid repodata ({e.Message})");
                }
                File.Move(scratch, cachePath, overwrite: true);
                return new FileAttempt(false, url, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"), contentHash, size);
            }
            finally
            {
                File.Delete(scratch);
            }
        }
        throw new RepodataException($"{urls[^1]}: not found");
    }

    /// <summary>The body into a file, decompressed when it is zstd, at most <see cref="RepodataReader.MaxBytes"/>, and as long as the server said.</summary>
    private static async Task<long> DownloadAsync(HttpResponseMessage response, string url, string path, bool zstd, CancellationToken token)
    {
        await using var body = await response.Content.ReadAsStreamAsync(token);
        var counted = new CountingStream(body);
        await using (var file = File.Create(path))
        {
            try
            {
                Stream source = zstd ? new ZstdSharp.DecompressionStream(counted) : counted;
                await using (source)
                {
                    var buffer = new byte[1 << 16];
                    long written = 0;
                    int n;
                    while ((n = await source.ReadAsync(buffer, token)) > 0)
                    {
                        written += n;
                        if (written > RepodataReader.MaxBytes)
                        {
                            throw new RepodataException($"{url} expands past {SafeFile.Size(RepodataReader.MaxBytes)}; Beacon reads no larger repodata");
                        }
                        await file.WriteAsync(buffer.AsMemory(0, n), token);
                    }
                }
            }
            catch (ZstdSharp.ZstdException e)
            {
                throw new TransientException($"{url}: the body is not valid zstd data ({e.Message})");
            }
        }
        if (response.Content.Headers.ContentLength is { } length && length != counted.Count)
        {
            throw new TransientException($"{url}: the body was cut short ({counted.Count} of {length} bytes)");
        }
        return new FileInfo(path).Length;
    }

    /// <summary>Counts what is read through it (the body's length, whatever the decompressor does with it).</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Count { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            Count += n;
            return n;
        }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            Count += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>The cache state when its file is there with the size it was stored with (the hash is its reader's to check).</summary>
    private static CacheState? LoadCacheState(string cachePath, string statePath)
    {
        try
        {
            if (!File.Exists(cachePath) || !File.Exists(statePath))
            {
                return null;
            }
            var state = JsonSerializer.Deserialize(File.ReadAllText(statePath), CacheStateJson.Default.CacheState);
            // A state without a content hash (written before the field had its name) could not be checked: fetched again.
            if (state is null || string.IsNullOrEmpty(state.ContentHash) || new FileInfo(cachePath).Length != state.Size)
            {
                Discard(cachePath, statePath);
                return null;
            }
            return state;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            Discard(cachePath, statePath);
            return null;
        }
    }

    /// <summary>
    /// The subdir's CEP-16 shard index (compressed, as served), kept whole in the cache with its sha256 and asked for
    /// again with its ETag / Last-Modified; a body that does not read as a shard index is retried, never cached, and a
    /// cached copy that no longer hashes to its state is dropped. Null when the channel has none (404/403), or offline
    /// with none cached.
    /// </summary>
    public async Task<FetchResult?> FetchShardIndexAsync(string channelUrl, string subdir, CancellationToken cancellationToken = default)
    {
        var url = $"{channelUrl.TrimEnd('/')}/{subdir}/{ShardIndex.FileName}";
        var (cachePath, statePath) = CachePaths(url);
        var cached = LoadVerifiedCache(cachePath, statePath);
        if (options.Offline)
        {
            return cached is not null ? new FetchResult(cached.Value.Body, FetchSource.CacheFallback, url, 0) : null;
        }

        var attempts = 0;
        try
        {
            var result = await Pipeline().ExecuteAsync(async token =>
            {
                attempts++;
                return await FetchShardIndexOnceAsync(url, cached?.State, token);
            }, cancellationToken);
            if (result is null)
            {
                Discard(cachePath, statePath);
                return null;
            }
            if (result.NotModified)
            {
                return new FetchResult(cached!.Value.Body, FetchSource.NotModified, url, attempts);
            }
            Store(cachePath, statePath, url, result);
            return new FetchResult(result.Body!, FetchSource.Network, url, attempts);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutRejectedException or TransientException or RepodataException
                                      && !cancellationToken.IsCancellationRequested)
        {
            return cached is not null
                ? new FetchResult(cached.Value.Body, FetchSource.CacheFallback, url, attempts, CachedInstead(url, attempts, e, cached.Value.State))
                : throw CouldNotFetch(url, attempts, e);
        }
    }

    /// <summary>
    /// A shard by its sha256. Shards are content-addressed: one is checked against its name once, when it is stored,
    /// and a stored one is served without asking the server or hashing it again. <paramref name="refresh"/> drops a
    /// stored copy first (one that did not decode).
    /// </summary>
    public async Task<byte[]> FetchShardAsync(string url, string sha256, bool refresh = false, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(options.CacheDirectory, "shards", ShardIndex.ShardFileName(sha256));
        if (refresh)
        {
            File.Delete(path);
        }
        else if (File.Exists(path))
        {
            try
            {
                return SafeFile.ReadAllBytes(path, ShardIndex.MaxShardBytes);
            }
            catch (SafeFileException)
            {
                File.Delete(path);
            }
        }
        if (options.Offline)
        {
            throw new RepodataException($"offline: the shard {url} is not cached; run once with network access first");
        }
        var attempts = 0;
        try
        {
            var body = await Pipeline().ExecuteAsync(async token =>
            {
                attempts++;
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, token);
                ThrowUnlessSuccess(response, url);
                var bytes = await ReadBodyAsync(response, url, ShardIndex.MaxShardBytes, token);
                var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
                return actual == sha256 ? bytes : throw new TransientException($"{url}: its sha256 is {actual}, not the {sha256} the shard index names");
            }, cancellationToken);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteAllBytes(path, body);
            return body;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutRejectedException or TransientException && !cancellationToken.IsCancellationRequested)
        {
            throw CouldNotFetch(url, attempts, e);
        }
    }

    /// <summary>Why the last attempt failed, in words (a timeout is the attempt's own bound, not the exception's text).</summary>
    private string Reason(Exception e) => e is TimeoutRejectedException ? $"no answer within {options.AttemptTimeout.TotalSeconds:0.#} s" : e.Message;

    private RepodataException CouldNotFetch(string url, int attempts, Exception e) =>
        new($"could not fetch {url} after {Parsing.Plural.Of(attempts, "attempt")}: {Reason(e)}");

    private string CachedInstead(string url, int attempts, Exception e, CacheState cached) =>
        $"could not fetch {url} after {Parsing.Plural.Of(attempts, "attempt")} ({Reason(e)}); using the cached copy from {cached.FetchedAt:u}";

    private ResiliencePipeline Pipeline() => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetries,
            Delay = options.FirstRetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = false,
            ShouldHandle = new PredicateBuilder()
                .Handle<HttpRequestException>(e => e is not Net.UnsafeRedirectException)
                .Handle<IOException>()
                .Handle<TimeoutRejectedException>()
                .Handle<TransientException>(),
        })
        .AddTimeout(options.AttemptTimeout)
        .Build();

    /// <summary>A failure worth retrying (5xx, 429, a body that is cut short or does not parse).</summary>
    private sealed class TransientException(string message) : Exception(message);

    private sealed record Attempt(bool NotModified, byte[]? Body, string? ETag, string? LastModified);

    /// <summary>One request for the shard index: null when the channel has none.</summary>
    private async Task<Attempt?> FetchShardIndexOnceAsync(string url, CacheState? state, CancellationToken token)
    {
        using var request = ConditionalGet(url, state);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        if (response.StatusCode == HttpStatusCode.NotModified && state is not null && state.Url == url)
        {
            return new Attempt(true, null, state.ETag, state.LastModified);
        }
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }
        ThrowUnlessSuccess(response, url);
        var body = await ReadBodyAsync(response, url, RepodataReader.MaxBytes, token);
        try
        {
            ShardIndex.Read(body, url);
        }
        catch (RepodataException e)
        {
            throw new TransientException($"{url}: the body is not a valid shard index ({e.Message})");
        }
        return new Attempt(false, body, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"));
    }

    /// <summary>A GET of <paramref name="url"/>, conditional on the cached copy's ETag / Last-Modified when that copy came from it.</summary>
    private static HttpRequestMessage ConditionalGet(string url, CacheState? state)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (state is not null && state.Url == url)
        {
            if (state.ETag is not null)
            {
                request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(state.ETag));
            }
            if (state.LastModified is not null && DateTimeOffset.TryParse(state.LastModified, out var lm))
            {
                request.Headers.IfModifiedSince = lm;
            }
        }
        return request;
    }

    private static void ThrowUnlessSuccess(HttpResponseMessage response, string url)
    {
        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests || response.StatusCode == HttpStatusCode.RequestTimeout)
        {
            throw new TransientException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new RepodataException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    /// <summary>The whole body, at most <paramref name="limit"/> bytes, and as long as the server said it is.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, string url, long limit, CancellationToken token)
    {
        if (response.Content.Headers.ContentLength is > 0 and var declared && declared > limit)
        {
            throw new RepodataException($"{url} is {SafeFile.Size(declared)}; Beacon reads at most {SafeFile.Size(limit)}");
        }
        var body = await response.Content.ReadAsByteArrayAsync(token);
        if (response.Content.Headers.ContentLength is { } length && length != body.Length)
        {
            throw new TransientException($"{url}: the body was cut short ({body.Length} of {length} bytes)");
        }
        return body;
    }

    private (string Cache, string State) CachePaths(string url)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..24];
        Directory.CreateDirectory(options.CacheDirectory);
        return (Path.Combine(options.CacheDirectory, key + ".json"), Path.Combine(options.CacheDirectory, key + ".state.json"));
    }

    private static (byte[] Body, CacheState State)? LoadVerifiedCache(string cachePath, string statePath)
    {
        try
        {
            if (!File.Exists(cachePath) || !File.Exists(statePath))
            {
                return null;
            }
            var state = JsonSerializer.Deserialize(File.ReadAllText(statePath), CacheStateJson.Default.CacheState);
            var body = File.ReadAllBytes(cachePath);
            if (state is null || body.LongLength != state.Size || Convert.ToHexStringLower(SHA256.HashData(body)) != state.ContentHash)
            {
                Discard(cachePath, statePath);
                return null;
            }
            return (body, state);
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            Discard(cachePath, statePath);
            return null;
        }
    }

    private static void Discard(string cachePath, string statePath)
    {
        File.Delete(cachePath);
        File.Delete(statePath);
    }

    private static void Store(string cachePath, string statePath, string url, Attempt attempt)
    {
        var body = attempt.Body!;
        var state = new CacheState(url, attempt.ETag, attempt.LastModified, Convert.ToHexStringLower(SHA256.HashData(body)), body.LongLength, DateTimeOffset.UtcNow);
        AtomicFile.WriteAllBytes(cachePath, body);
        AtomicFile.WriteAllText(statePath, JsonSerializer.Serialize(state, CacheStateJson.Default.CacheState));
    }
}

/// <summary>
/// What the cache remembers about one fetched URL, beside the verified bytes: their sha256 (hex) for a shard index, or the <see cref="Repodata.RepodataIndex.ContentHash"/> (<c>blake3-blocks:…</c>) for a plain file read by index.
/// </summary>
internal sealed record CacheState(string Url, string? ETag, string? LastModified, string ContentHash, long Size, DateTimeOffset FetchedAt);

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(CacheState))]
internal sealed partial class CacheStateJson : JsonSerializerContext;
