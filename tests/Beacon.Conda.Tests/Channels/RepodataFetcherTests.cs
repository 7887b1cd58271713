using System.Diagnostics;
using System.Net;
using Beacon.Conda.Channels;
using Beacon.Conda.Repodata;
using Beacon.TestSupport;

namespace Beacon.Conda.Tests.Channels;

/// <summary>The HTTP channel client against a real server on 127.0.0.1 that misbehaves on purpose.</summary>
public class RepodataFetcherTests : IDisposable
{
    private static readonly byte[] Repodata = Fixtures.ReadAllBytes("conda", "channels", "conda-forge-numpy-2024-02", "linux-64", "repodata.json");
    private readonly TempRepo _cache = new("beacon-cache-");
    private readonly HttpClient _http = Beacon.Conda.Net.BeaconHttp.Create();

    /// <summary>
    /// Short retry delays; a per-attempt bound of 10 s, so a loaded machine (an attempt also indexes the body it
    /// downloaded) never spends an attempt the test counts, except where the bound itself is tested.
    /// </summary>
    private RepodataFetcher Fetcher(bool offline = false, int attemptMilliseconds = 10_000) => new(_http, new FetchOptions
    {
        CacheDirectory = _cache.Root,
        FirstRetryDelay = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = TimeSpan.FromMilliseconds(attemptMilliseconds),
        MaxRetries = 3,
        Offline = offline,
    });

    /// <summary>The plain-file fetch, as ChannelLoader asks for it (its index kept beside the cache).</summary>
    private Task<RepodataFile> Fetch(RepodataFetcher fetcher, string channelUrl, string subdir) =>
        fetcher.FetchRepodataFileAsync(channelUrl, subdir, Path.Combine(_cache.Root, "repodata-index"));

    private static byte[] Body(RepodataFile file) => File.ReadAllBytes(file.Path);

    /// <summary>Serves repodata.json with an ETag; no .zst copy (404), like many mirrors.</summary>
    private static Func<int, HttpListenerContext, Task> Plain(Func<int, HttpListenerContext, Task?>? before = null) => async (n, ctx) =>
    {
        if (ctx.Request.Url!.AbsolutePath.EndsWith(".zst", StringComparison.Ordinal))
        {
            await LoopbackServer.Send(ctx, 404);
            return;
        }
        if (before?.Invoke(n, ctx) is { } special)
        {
            await special;
            return;
        }
        if (ctx.Request.Headers["If-None-Match"] == "\"v1\"")
        {
            await LoopbackServer.Send(ctx, 304, etag: "\"v1\"");
            return;
        }
        await LoopbackServer.Send(ctx, 200, Repodata, "\"v1\"");
    };

    [Fact]
    public async Task Second_fetch_is_a_conditional_request_answered_304()
    {
        using var server = new LoopbackServer(Plain());
        var first = await Fetch(Fetcher(), server.Url + "/conda-forge", "linux-64");
        var second = await Fetch(Fetcher(), server.Url + "/conda-forge", "linux-64");
        Assert.Equal(FetchSource.Network, first.Source);
        Assert.Equal(FetchSource.NotModified, second.Source);
        Assert.Equal(Repodata, Body(second));
        var plainRequests = server.Requests.Where(r => r.Path.EndsWith("repodata.json", StringComparison.Ordinal)).ToList();
        Assert.Equal([null, "\"v1\""], plainRequests.Select(r => r.IfNoneMatch));
    }

    [Fact]
    public async Task Prefers_the_zstd_copy_when_the_channel_has_one()
    {
        using var compressor = new ZstdSharp.Compressor(3);
        var zst = compressor.Wrap(Repodata).ToArray();
        using var server = new LoopbackServer((_, ctx) => ctx.Request.Url!.AbsolutePath.EndsWith(".zst", StringComparison.Ordinal)
            ? LoopbackServer.Send(ctx, 200, zst, "\"z1\"")
            : LoopbackServer.Send(ctx, 500));
        var result = await Fetch(Fetcher(), server.Url + "/cf", "linux-64");
        Assert.EndsWith("repodata.json.zst", result.Url, StringComparison.Ordinal);
        Assert.Equal(Repodata, Body(result));
    }

    [Fact]
    public async Task A_server_that_fails_twice_then_answers_is_retried()
    {
        var failures = 0;
        using var server = new LoopbackServer(Plain((_, ctx) => Interlocked.Increment(ref failures) <= 2 ? LoopbackServer.Send(ctx, 503) : null));
        var result = await Fetch(Fetcher(), server.Url + "/cf", "linux-64");
        Assert.Equal(FetchSource.Network, result.Source);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(29, new RepodataReader().Read(Body(result), "x").Count);
    }

    [Fact]
    public async Task A_truncated_body_is_retried_and_never_cached()
    {
        var calls = 0;
        using var server = new LoopbackServer(Plain((_, ctx) => Interlocked.Increment(ref calls) == 1 ? LoopbackServer.SendTruncated(ctx, Repodata) : null));
        var result = await Fetch(Fetcher(), server.Url + "/cf", "linux-64");
        Assert.Equal(2, result.Attempts);
        Assert.Equal(Repodata, Body(result));
    }

    [Fact]
    public async Task A_body_that_is_always_cut_short_fails_clearly_without_a_cache_entry()
    {
        using var server = new LoopbackServer(Plain((_, ctx) => LoopbackServer.SendTruncated(ctx, Repodata)));
        var e = await Assert.ThrowsAsync<RepodataException>(() => Fetch(Fetcher(), server.Url + "/cf", "linux-64"));
        Assert.Contains("after 4 attempts", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_cache.Root));
    }

    [Fact]
    public async Task A_server_that_never_answers_fails_in_bounded_time()
    {
        using var server = new LoopbackServer(async (_, _) => await Task.Delay(TimeSpan.FromSeconds(30)));
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<RepodataException>(() => Fetch(Fetcher(attemptMilliseconds: 700), server.Url + "/cf", "linux-64"));
        watch.Stop();
        Assert.Contains("no answer within 0.7 s", e.Message, StringComparison.Ordinal);
        // 4 attempts of 0.7 s plus 20+40+80 ms of backoff; generous bound for a loaded CI machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_cache_file_cut_short_is_discarded_and_fetched_again()
    {
        // The size is checked here; a same-size edit is its reader's to catch, by the content hash the index is keyed by
        // (ShardedChannelTests.Over_http_plain_repodata_is_kept_as_a_file_checked_by_its_hash_and_asked_for_with_its_etag).
        using var server = new LoopbackServer(Plain());
        await Fetch(Fetcher(), server.Url + "/cf", "linux-64");
        var cacheFile = Directory.GetFiles(_cache.Root, "*.json").Single(f => !f.EndsWith(".state.json", StringComparison.Ordinal));
        File.WriteAllBytes(cacheFile, File.ReadAllBytes(cacheFile)[..^1]);

        var again = await Fetch(Fetcher(), server.Url + "/cf", "linux-64");
        Assert.Equal(FetchSource.Network, again.Source); // not a 304 on top of a damaged copy
        Assert.Equal(Repodata, Body(again));
        Assert.Null(server.Requests.Last(r => r.Path.EndsWith("repodata.json", StringComparison.Ordinal)).IfNoneMatch);
    }

    [Fact]
    public async Task A_corrupt_cached_shard_index_is_discarded_and_fetched_again()
    {
        var channel = Path.Combine(_cache.Root, "channel");
        Directory.CreateDirectory(Path.Combine(channel, "linux-64"));
        File.WriteAllBytes(Path.Combine(channel, "linux-64", "repodata.json"), Repodata);
        ShardWriter.IndexChannel(channel);
        var index = File.ReadAllBytes(Path.Combine(channel, "linux-64", ShardIndex.FileName));
        using var server = new LoopbackServer((_, ctx) => ctx.Request.Headers["If-None-Match"] == "\"s1\""
            ? LoopbackServer.Send(ctx, 304, etag: "\"s1\"")
            : LoopbackServer.Send(ctx, 200, index, "\"s1\""));
        var cacheRoot = Path.Combine(_cache.Root, "cache");
        var fetcher = new RepodataFetcher(_http, new FetchOptions { CacheDirectory = cacheRoot, FirstRetryDelay = TimeSpan.FromMilliseconds(20) });
        Assert.Equal(FetchSource.Network, (await fetcher.FetchShardIndexAsync(server.Url + "/cf", "linux-64"))!.Source);
        Assert.Equal(FetchSource.NotModified, (await fetcher.FetchShardIndexAsync(server.Url + "/cf", "linux-64"))!.Source);

        var cacheFile = Directory.GetFiles(cacheRoot, "*.json").Single(f => !f.EndsWith(".state.json", StringComparison.Ordinal));
        var bytes = File.ReadAllBytes(cacheFile);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(cacheFile, bytes);
        var again = await fetcher.FetchShardIndexAsync(server.Url + "/cf", "linux-64");
        Assert.Equal(FetchSource.Network, again!.Source);
        Assert.Equal(index, again.Body);
        Assert.Equal(["\"s1\"", null], server.Requests.Skip(1).Select(r => r.IfNoneMatch));
    }

    [Fact]
    public async Task Works_offline_from_the_cache()
    {
        string url;
        using (var server = new LoopbackServer(Plain()))
        {
            url = server.Url + "/cf";
            await Fetch(Fetcher(), url, "linux-64");
        }
        var offline = await Fetch(Fetcher(offline: true), url, "linux-64");
        Assert.Equal(FetchSource.CacheFallback, offline.Source);
        Assert.Equal(Repodata, Body(offline));

        // Server gone: the network fails, the verified copy is used, and the user is told.
        var fallback = await Fetch(Fetcher(), url, "linux-64");
        Assert.Equal(FetchSource.CacheFallback, fallback.Source);
        Assert.Contains("using the cached copy", fallback.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_without_a_cache_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<RepodataException>(() => Fetch(Fetcher(offline: true), "http://127.0.0.1:1/cf", "linux-64"));
        Assert.Contains("offline", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_channel_is_not_retried_forever()
    {
        using var server = new LoopbackServer((_, ctx) => LoopbackServer.Send(ctx, 404));
        var e = await Assert.ThrowsAsync<RepodataException>(() => Fetch(Fetcher(), server.Url + "/nope", "linux-64"));
        Assert.Contains("404", e.Message, StringComparison.Ordinal);
        Assert.True(server.Requests.Count <= 2, $"{server.Requests.Count} requests for a 404");
    }

    [Fact]
    public async Task A_redirect_to_a_local_file_is_refused_once_and_never_followed()
    {
        using var server = new LoopbackServer(async (_, ctx) =>
        {
            ctx.Response.Headers["Location"] = "file:///etc/passwd";
            await LoopbackServer.Send(ctx, 302);
        });
        var e = await Assert.ThrowsAsync<RepodataException>(() => Fetch(Fetcher(), server.Url + "/cf", "linux-64"));
        Assert.Equal($"could not fetch {server.Url}/cf/linux-64/repodata.json after 1 attempt: {server.Url}/cf/linux-64/repodata.json.zst redirects to file:///etc/passwd, which is not http or https; Beacon does not follow it", e.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_redirect_to_a_mirror_over_http_is_followed()
    {
        using var mirror = new LoopbackServer(Plain());
        using var server = new LoopbackServer(async (_, ctx) =>
        {
            ctx.Response.Headers["Location"] = mirror.Url + "/mirror" + ctx.Request.Url!.AbsolutePath;
            await LoopbackServer.Send(ctx, 301);
        });
        var result = await Fetch(Fetcher(), server.Url + "/cf", "linux-64");
        Assert.Equal(Repodata, Body(result));
        // (an attempt cut short on a loaded machine asks again: only the order is fixed)
        Assert.Equal("/mirror/cf/linux-64/repodata.json", mirror.Requests.Last().Path);
        Assert.All(mirror.Requests, r => Assert.StartsWith("/mirror/cf/linux-64/repodata.json", r.Path, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _http.Dispose();
        _cache.Dispose();
    }
}
