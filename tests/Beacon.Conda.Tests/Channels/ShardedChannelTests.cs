using System.Net;
using System.Security.Cryptography;
using Beacon.Conda.Channels;
using Beacon.Conda.Records;
using Beacon.Conda.Repodata;
using Beacon.TestSupport;

namespace Beacon.Conda.Tests.Channels;

/// <summary>CEP-16 sharded repodata: conda's own shards, the shards <c>beacon index</c> writes, hostile shards, and HTTP.</summary>
public class ShardedChannelTests : IDisposable
{
    private static readonly string[] Subdirs = ["linux-64", "noarch"];
    private readonly TempRepo _temp = new("beacon-shards-");
    private readonly HttpClient _http = Beacon.Conda.Net.BeaconHttp.Create();

    public void Dispose()
    {
        _http.Dispose();
        _temp.Dispose();
    }

    /// <summary>Every field Beacon reads, so two readings can be compared record by record.</summary>
    private static string Describe(PackageRecord r) => string.Join("|", r.Channel, r.Subdir, r.FileName, r.Name, r.Version.Text, r.Build, r.BuildNumber,
        string.Join(",", r.Depends), string.Join(",", r.Constrains), string.Join(",", r.TrackFeatures), r.Features, r.Noarch, r.Sha256, r.Md5, r.Size,
        r.Timestamp, r.License);

    private static List<string> Described(IEnumerable<PackageRecord> records) => records.Select(Describe).Order(StringComparer.Ordinal).ToList();

    private string CopyChannel(string fixture)
    {
        var target = Path.Combine(_temp.Root, Path.GetFileName(fixture));
        foreach (var file in Directory.GetFiles(fixture, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    [Fact]
    public async Task Conda_s_own_shards_give_the_records_of_its_repodata_json()
    {
        var folder = Fixtures.Path("conda", "conda-format-repo");
        var source = LocalChannel.Open(folder, ["linux-64"], "cfr", "https://conda.example/cfr", new RepodataReader());
        Assert.IsType<ShardedSubdir>(Assert.Single(source.Subdirs));
        var sharded = await source.AllAsync();
        var json = new RepodataReader().ReadFile(Path.Combine(folder, "linux-64", "repodata.json"), "https://conda.example/cfr", "linux-64");
        Assert.Equal(Described(json), Described(sharded));
        // zlib is in both packages and packages.conda: the .conda copy is kept, through either reading.
        Assert.Equal(["libgcc-ng-8.2.0-hdf63c60_1.tar.bz2", "zlib-1.2.11-h7b6447c_3.conda"], sharded.Select(r => r.FileName).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string> FixtureChannels() => new() { "defaults-2018", "conda-forge-py-2024-05", "conda-forge-numpy-2024-02" };

    [Theory]
    [MemberData(nameof(FixtureChannels))]
    public async Task Shards_beacon_index_writes_read_back_as_the_json_and_the_same_bytes_every_time(string fixture)
    {
        var channel = CopyChannel(Fixtures.Channel(fixture));
        var written = ShardWriter.IndexChannel(channel);
        Assert.Equal(Subdirs, written.Select(w => w.Subdir));
        var sharded = LocalChannel.Open(channel, Subdirs, fixture, "https://conda.example/c", new RepodataReader(RepodataPolicy.Explore));
        Assert.All(sharded.Subdirs, s => Assert.IsType<ShardedSubdir>(s));
        var fromShards = await sharded.AllAsync();
        var fromJson = LocalChannel.Load(Fixtures.Channel(fixture), Subdirs, fixture, "https://conda.example/c", new RepodataReader(RepodataPolicy.Explore));
        Assert.Equal(Described(fromJson.Records), Described(fromShards));
        Assert.Equal(fromJson.LeftOut.Select(l => l.Path).Order(), sharded.LeftOut.Select(l => l.Path).Order());

        var before = Directory.GetFiles(channel, "*.msgpack.zst", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => (f, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))))).ToList();
        var again = ShardWriter.IndexChannel(channel);
        Assert.All(again, s => Assert.Equal(0, s.ShardsWritten));
        var after = Directory.GetFiles(channel, "*.msgpack.zst", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => (f, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))))).ToList();
        Assert.Equal(before, after);
        // Every shard is named by the sha256 of its bytes.
        Assert.All(after.Where(a => !a.f.EndsWith(ShardIndex.FileName, StringComparison.Ordinal)),
            a => Assert.Equal(Path.GetFileName(a.f), a.Item2.ToLowerInvariant() + ".msgpack.zst"));
    }

    [Fact]
    public async Task A_sharded_channel_reads_only_the_names_asked_for()
    {
        var channel = CopyChannel(Fixtures.Channel("defaults-2018"));
        ShardWriter.IndexChannel(channel);
        var source = LocalChannel.Open(channel, Subdirs, "d", null, new RepodataReader());
        await source.LoadAsync(["zlib"]);
        Assert.Equal([1, 0], source.Subdirs.Cast<ShardedSubdir>().Select(s => s.ShardsRead));
        Assert.NotEmpty(source.Named("zlib"));
        Assert.Throws<InvalidOperationException>(() => source.Named("numpy"));
        Assert.Empty(source.Named("no-such-package")); // a name no shard has is known to have no records

        var reached = await ChannelSource.ReachAsync([source], ["python"]);
        var names = reached[0].Select(r => r.Name).ToHashSet();
        Assert.Contains("openssl", names); // python -> openssl
        Assert.DoesNotContain("numpy", names);
        var shards = source.Subdirs.Cast<ShardedSubdir>().Sum(s => s.ShardsRead);
        Assert.True(shards < 30, $"{shards} shards read for python's closure");
    }

    private string ShardedCopy(out string subdirFolder, out ShardIndex index)
    {
        var channel = CopyChannel(Fixtures.Channel("conda-forge-numpy-2024-02"));
        ShardWriter.IndexChannel(channel);
        subdirFolder = Path.Combine(channel, "linux-64");
        index = ShardIndex.Read(File.ReadAllBytes(Path.Combine(subdirFolder, ShardIndex.FileName)), "index");
        return channel;
    }

    private static void WriteIndex(string subdirFolder, ShardIndex index)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        File.WriteAllBytes(Path.Combine(subdirFolder, ShardIndex.FileName), compressor.Wrap(index.ToMessagePack()).ToArray());
    }

    [Fact]
    public async Task A_shard_whose_bytes_are_not_its_sha256_is_refused()
    {
        var channel = ShardedCopy(out var subdirFolder, out var index);
        var shard = Path.Combine(subdirFolder, "shards", ShardIndex.ShardFileName(index.Shards["numpy"]));
        var bytes = File.ReadAllBytes(shard);
        bytes[^1] ^= 1;
        File.WriteAllBytes(shard, bytes);
        var source = LocalChannel.Open(channel, Subdirs, "c", null, new RepodataReader());
        var e = await Assert.ThrowsAsync<RepodataException>(() => source.LoadAsync(["numpy"]));
        Assert.Contains($"not the {index.Shards["numpy"]} the shard index names", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shard_that_holds_another_package_s_records_is_refused()
    {
        var channel = ShardedCopy(out var subdirFolder, out var index);
        var swapped = new Dictionary<string, string>(index.Shards) { ["numpy"] = index.Shards["python"] };
        WriteIndex(subdirFolder, index with { Shards = swapped });
        var source = LocalChannel.Open(channel, Subdirs, "c", null, new RepodataReader());
        var e = await Assert.ThrowsAsync<RepodataException>(() => source.LoadAsync(["numpy"]));
        Assert.Contains("the shard of 'numpy' holds a record of 'python'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../../elsewhere/", "leads outside the channel folder")]
    [InlineData("/etc/", "must be a path inside the channel folder")]
    [InlineData("https://cdn.example/shards/", "must be a path inside the channel folder")]
    public void A_folder_channel_s_shards_stay_inside_it(string shardsBaseUrl, string refusal)
    {
        var channel = ShardedCopy(out var subdirFolder, out var index);
        WriteIndex(subdirFolder, index with { ShardsBaseUrl = shardsBaseUrl });
        var e = Assert.Throws<RepodataException>(() => LocalChannel.Open(channel, Subdirs, "c", null, new RepodataReader()));
        Assert.Contains(refusal, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shard_nested_without_bound_is_refused_without_exhausting_the_stack()
    {
        var channel = ShardedCopy(out var subdirFolder, out var index);
        // {"packages": {}, "x": [[[[...]]]]} nested 100,000 deep.
        var msgpack = new List<byte> { 0x82, 0xa8 };
        msgpack.AddRange("packages"u8.ToArray());
        msgpack.Add(0x80);
        msgpack.Add(0xa1);
        msgpack.Add((byte)'x');
        msgpack.AddRange(Enumerable.Repeat((byte)0x91, 100_000));
        msgpack.Add(0xc0);
        using var compressor = new ZstdSharp.Compressor(3);
        var compressed = compressor.Wrap(msgpack.ToArray()).ToArray();
        var sha = Convert.ToHexStringLower(SHA256.HashData(compressed));
        File.WriteAllBytes(Path.Combine(subdirFolder, "shards", ShardIndex.ShardFileName(sha)), compressed);
        WriteIndex(subdirFolder, index with { Shards = new Dictionary<string, string>(index.Shards) { ["numpy"] = sha } });
        var source = LocalChannel.Open(channel, Subdirs, "c", null, new RepodataReader());
        var e = await Assert.ThrowsAsync<RepodataException>(() => source.LoadAsync(["numpy"]));
        Assert.Contains("nested deeper than 16 levels", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Serves a channel folder as a static file server would (404 for what is not there).</summary>
    private static LoopbackServer Serve(string channel) => LoopbackServer.ServeFolder(channel);

    private ChannelLoader Loader(bool offline = false) => new(new RepodataFetcher(_http, new FetchOptions
    {
        CacheDirectory = Path.Combine(_temp.Root, "cache"),
        FirstRetryDelay = TimeSpan.FromMilliseconds(20),
        Offline = offline,
    }));

    [Fact]
    public async Task Over_http_only_the_index_and_the_shards_asked_for_are_fetched_and_a_cached_shard_is_never_fetched_again()
    {
        var channel = CopyChannel(Fixtures.Channel("defaults-2018"));
        ShardWriter.IndexChannel(channel);
        using var server = Serve(channel);
        var source = await Loader().OpenAsync(server.Url, Subdirs, "d");
        var reached = await ChannelSource.ReachAsync([source], ["python"]);
        var paths = server.Requests.Select(r => r.Path).ToList();
        Assert.Equal(["/linux-64/repodata_shards.msgpack.zst", "/noarch/repodata_shards.msgpack.zst"], paths.Take(2));
        Assert.DoesNotContain(paths, p => p.Contains("repodata.json", StringComparison.Ordinal));
        var shardRequests = paths.Count(p => p.Contains("/shards/", StringComparison.Ordinal));
        Assert.Equal(source.Subdirs.Cast<ShardedSubdir>().Sum(s => s.ShardsRead), shardRequests);
        // The records are the JSON channel's, with the server's URL as their channel.
        var json = LocalChannel.Load(Fixtures.Channel("defaults-2018"), Subdirs, "d", server.Url);
        var names = reached[0].Select(r => r.Name).ToHashSet();
        Assert.Equal(Described(json.Records.Where(r => names.Contains(r.Name))), Described(reached[0]));

        server.Requests.Clear();
        var again = await Loader().OpenAsync(server.Url, Subdirs, "d");
        await ChannelSource.ReachAsync([again], ["python"]);
        Assert.Equal(["/linux-64/repodata_shards.msgpack.zst", "/noarch/repodata_shards.msgpack.zst"], server.Requests.Select(r => r.Path));

        server.Requests.Clear();
        var offline = await Loader(offline: true).OpenAsync(server.Url, Subdirs, "d");
        await ChannelSource.ReachAsync([offline], ["python"]);
        Assert.Empty(server.Requests);
        var e = await Assert.ThrowsAsync<RepodataException>(() => offline.LoadAsync(["numpy"]));
        Assert.StartsWith("offline: the shard ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_http_a_channel_without_shards_is_read_from_its_repodata_json()
    {
        using var server = Serve(Fixtures.Channel("conda-forge-numpy-2024-02"));
        var source = await Loader().OpenAsync(server.Url, Subdirs, "c");
        Assert.All(source.Subdirs, s => Assert.IsType<IndexedSubdir>(s)); // read by name through its index, never whole
        await source.LoadAsync(["numpy"]);
        Assert.Contains("/linux-64/repodata_shards.msgpack.zst", server.Requests.Select(r => r.Path));
        Assert.Contains("/linux-64/repodata.json", server.Requests.Select(r => r.Path));
        Assert.NotEmpty(source.Named("numpy"));
    }

    [Fact]
    public async Task Over_http_a_cached_repodata_json_is_used_only_while_it_hashes_to_its_state()
    {
        using var server = Serve(Fixtures.Channel("conda-forge-numpy-2024-02"));
        var cache = Path.Combine(_temp.Root, "cache");
        await (await Loader().OpenAsync(server.Url, ["linux-64"], "c")).LoadAsync(["numpy"]);
        var state = Directory.GetFiles(cache, "*.state.json").Single();
        var copy = state[..^".state.json".Length] + ".json";
        Assert.StartsWith("blake3-blocks:", System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(state)).RootElement.GetProperty("ContentHash").GetString(), StringComparison.Ordinal);
        var original = File.ReadAllBytes(copy);
        var stateText = File.ReadAllText(state);

        // Offline, the intact copy is read; a copy edited in place (same size) is dropped, never read.
        var offline = await Loader(offline: true).OpenAsync(server.Url, ["linux-64"], "c");
        await offline.LoadAsync(["numpy"]);
        Assert.NotEmpty(offline.Named("numpy"));
        var edited = (byte[])original.Clone();
        var at = System.Text.Encoding.ASCII.GetString(edited).IndexOf("\"numpy\"", StringComparison.Ordinal);
        edited[at + 1] = (byte)'m';
        File.WriteAllBytes(copy, edited);
        var e = await Assert.ThrowsAsync<RepodataException>(() => Loader(offline: true).OpenAsync(server.Url, ["linux-64"], "c"));
        Assert.StartsWith("offline: no cached repodata for ", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(copy));

        // A state that names no content hash (the field's name before it held the block hash) is not trusted either.
        File.WriteAllBytes(copy, original);
        File.WriteAllText(state, stateText.Replace("\"ContentHash\"", "\"Sha256\"", StringComparison.Ordinal));
        e = await Assert.ThrowsAsync<RepodataException>(() => Loader(offline: true).OpenAsync(server.Url, ["linux-64"], "c"));
        Assert.StartsWith("offline: no cached repodata for ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_http_a_shard_the_server_garbles_is_refused_after_its_retries()
    {
        var channel = CopyChannel(Fixtures.Channel("conda-forge-numpy-2024-02"));
        ShardWriter.IndexChannel(channel);
        using var server = new LoopbackServer(async (_, ctx) =>
        {
            var path = LoopbackServer.FileFor(ctx, channel);
            var body = path is null ? null : File.ReadAllBytes(path);
            if (body is not null && path!.Contains("/shards/", StringComparison.Ordinal))
            {
                body[0] ^= 0xff;
            }
            await LoopbackServer.Send(ctx, body is null ? 404 : 200, body);
        });
        var source = await Loader().OpenAsync(server.Url, Subdirs, "c");
        var e = await Assert.ThrowsAsync<RepodataException>(() => source.LoadAsync(["numpy"]));
        Assert.Contains("after 4 attempts", e.Message, StringComparison.Ordinal);
        Assert.Contains("the shard index names", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_temp.Root, "cache", "shards")) && Directory.EnumerateFiles(Path.Combine(_temp.Root, "cache", "shards")).Any(),
            "a shard that failed its hash was cached");
    }

    [Fact]
    public async Task Over_http_plain_repodata_is_kept_as_a_file_checked_by_its_hash_and_asked_for_with_its_etag()
    {
        var channel = Fixtures.Channel("conda-forge-numpy-2024-02");
        var garble = false;
        using var server = new LoopbackServer(async (_, ctx) =>
        {
            var path = LoopbackServer.FileFor(ctx, channel);
            // This fixture is plain repodata.json: its .zst and shard index answer 404.
            if (path is null)
            {
                await LoopbackServer.Send(ctx, 404);
                return;
            }
            if (ctx.Request.Headers["If-None-Match"] == "\"v1\"")
            {
                await LoopbackServer.Send(ctx, 304, etag: "\"v1\"");
                return;
            }
            var body = File.ReadAllBytes(path);
            await LoopbackServer.Send(ctx, 200, garble ? body[..(body.Length / 2)] : body, etag: "\"v1\"");
        });
        var json = LocalChannel.Load(channel, Subdirs, "c", server.Url);
        var source = await Loader().OpenAsync(server.Url, Subdirs, "c");
        await source.LoadAsync(["numpy"]);
        Assert.Equal(Described(json.Records.Where(r => r.Name == "numpy")), Described(source.Named("numpy")));

        server.Requests.Clear();
        var again = await Loader().OpenAsync(server.Url, Subdirs, "c");
        await again.LoadAsync(["numpy"]);
        var conditional = server.Requests.Where(r => r.Path.EndsWith("/repodata.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, conditional.Count);
        Assert.All(conditional, r => Assert.Equal("\"v1\"", r.IfNoneMatch));

        // A cached copy changed on disk (same size): its hash no longer matches, so it is fetched again, unconditionally.
        var cached = Directory.GetFiles(Path.Combine(_temp.Root, "cache"), "*.json").OrderByDescending(f => new FileInfo(f).Length).First();
        var bytes = File.ReadAllBytes(cached);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(cached, bytes);
        server.Requests.Clear();
        var refetched = await Loader().OpenAsync(server.Url, Subdirs, "c");
        await refetched.LoadAsync(["numpy"]);
        Assert.Equal(Described(json.Records.Where(r => r.Name == "numpy")), Described(refetched.Named("numpy")));
        Assert.Contains(server.Requests, r => r.Path == "/linux-64/repodata.json" && r.IfNoneMatch is null);

        // A body cut in half (as the server sends it) is retried and never cached.
        Directory.Delete(Path.Combine(_temp.Root, "cache"), recursive: true);
        garble = true;
        var e = await Assert.ThrowsAsync<RepodataException>(() => Loader().OpenAsync(server.Url, Subdirs, "c"));
        Assert.Contains("after 4 attempts", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_temp.Root, "cache"), "*.json"));
    }
}
