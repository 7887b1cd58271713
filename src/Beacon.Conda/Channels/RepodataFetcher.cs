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

public sealed record FetchResult(byte[] Json, FetchSource Source, string Url, int Attempts, string? Warning = null);

/// <summary>
/// Fetches <c>&lt;channel&gt;/&lt;subdir&gt;/repodata.json</c> (preferring <c>.json.zst</c>) with an on-disk cache:
/// conditional requests with ETag / Last-Modified, retries with exponential backoff for transient failures (5xx,
/// 429, connection errors, truncated bodies, timeouts), a bounded time per attempt, and verification both ways: a
/// body that does not parse as repodata is never cached, and a cache file whose checksum no longer matches is
/// discarded and fetched again. When the network fails, the last verified copy is used with a warning.
/// </summary>
public sealed class RepodataFetcher(HttpClient http, FetchOptions options)
{

    public async Task<FetchResult> FetchAsync(string channelUrl, string subdir, CancellationToken cancellationToken = default)
    {
        var baseUrl = $"{channelUrl.TrimEnd('/')}/{subdir}/repodata.json";
        var (cachePath, statePath) = CachePaths(baseUrl);
        var cached = LoadVerifiedCache(cachePath, statePath);
        if (options.Offline)
        {
            return cached is null
                ? throw new RepodataException($"offline: no cached repodata for {baseUrl}; run once with network access first")
                : new FetchResult(cached.Value.Json, FetchSource.CacheFallback, baseUrl, 0);
        }

        var attempts = 0;
        try
        {
            var result = await Pipeline().ExecuteAsync(async token =>
            {
                attempts++;
                return await FetchOnceAsync(channelUrl, subdir, baseUrl, cached?.State, token);
            }, cancellationToken);
            if (result.NotModified)
            {
                return new FetchResult(cached!.Value.Json, FetchSource.NotModified, baseUrl, attempts);
            }
            Store(cachePath, statePath, result);
            return new FetchResult(result.Json!, FetchSource.Network, result.Url, attempts);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutRejectedException or TransientException or RepodataException
                                      && !cancellationToken.IsCancellationRequested)
        {
            var reason = e is TimeoutRejectedException ? $"no answer within {options.AttemptTimeout.TotalSeconds:0.#} s" : e.Message;
            if (cached is not null)
            {
                return new FetchResult(cached.Value.Json, FetchSource.CacheFallback, baseUrl, attempts,
                    $"could not fetch {baseUrl} after {Parsing.Plural.Of(attempts, "attempt")} ({reason}); using the cached copy from {cached.Value.State.FetchedAt:u}");
            }
            throw new RepodataException($"could not fetch {baseUrl} after {Parsing.Plural.Of(attempts, "attempt")}: {reason}");
        }
    }

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

    private sealed record Attempt(bool NotModified, byte[]? Json, string Url, string? ETag, string? LastModified);

    private async Task<Attempt> FetchOnceAsync(string channelUrl, string subdir, string baseUrl, CacheState? state, CancellationToken token)
    {
        // Prefer the zstd-compressed copy; a channel without it answers 404 and the plain file is used.
        foreach (var url in new[] { baseUrl + ".zst", baseUrl })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
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
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            if (response.StatusCode == HttpStatusCode.NotModified && state is not null && state.Url == url)
            {
                return new Attempt(true, null, url, state.ETag, state.LastModified);
            }
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden && url.EndsWith(".zst", StringComparison.Ordinal))
            {
                continue;
            }
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests || response.StatusCode == HttpStatusCode.RequestTimeout)
            {
                throw new TransientException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new RepodataException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            var body = await response.Content.ReadAsByteArrayAsync(token);
            if (response.Content.Headers.ContentLength is { } length && length != body.Length)
            {
                throw new TransientException($"{url}: the body was cut short ({body.Length} of {length} bytes)");
            }
            byte[] json;
            try
            {
                json = url.EndsWith(".zst", StringComparison.Ordinal) ? RepodataReader.Decompress(body) : body;
                // Never cache what does not parse: a truncated or garbled body is retried instead.
                new RepodataReader().Read(json, channelUrl.TrimEnd('/'), subdir);
            }
            catch (RepodataException e)
            {
                throw new TransientException($"{url}: the body is not valid repodata ({e.Message})");
            }
            return new Attempt(false, json, url, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"));
        }
        throw new RepodataException($"{baseUrl}: not found");
    }

    private (string Cache, string State) CachePaths(string url)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..24];
        Directory.CreateDirectory(options.CacheDirectory);
        return (Path.Combine(options.CacheDirectory, key + ".json"), Path.Combine(options.CacheDirectory, key + ".state.json"));
    }

    private static (byte[] Json, CacheState State)? LoadVerifiedCache(string cachePath, string statePath)
    {
        try
        {
            if (!File.Exists(cachePath) || !File.Exists(statePath))
            {
                return null;
            }
            var state = JsonSerializer.Deserialize(File.ReadAllText(statePath), CacheStateJson.Default.CacheState);
            var json = File.ReadAllBytes(cachePath);
            if (state is null || json.LongLength != state.Size || Convert.ToHexStringLower(SHA256.HashData(json)) != state.Sha256)
            {
                Discard(cachePath, statePath);
                return null;
            }
            return (json, state);
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

    private static void Store(string cachePath, string statePath, Attempt attempt)
    {
        var json = attempt.Json!;
        var state = new CacheState(attempt.Url, attempt.ETag, attempt.LastModified, Convert.ToHexStringLower(SHA256.HashData(json)), json.LongLength, DateTimeOffset.UtcNow);
        AtomicFile.WriteAllBytes(cachePath, json);
        AtomicFile.WriteAllText(statePath, JsonSerializer.Serialize(state, CacheStateJson.Default.CacheState));
    }
}

/// <summary>What the cache remembers about one fetched URL, beside the verified bytes.</summary>
internal sealed record CacheState(string Url, string? ETag, string? LastModified, string Sha256, long Size, DateTimeOffset FetchedAt);

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(CacheState))]
internal sealed partial class CacheStateJson : JsonSerializerContext;
