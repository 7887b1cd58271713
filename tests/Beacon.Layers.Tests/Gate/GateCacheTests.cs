using Beacon.Conda.Channels;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Gate;

/// <summary>The gate's pass remembered by content: reused while nothing the gate reads changed, never after.</summary>
public sealed class GateCacheTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-gate-cache-");
    private readonly TempRepo _cacheFolder = new("beacon-gate-cache-dir-");

    public GateCacheTests()
    {
        _repo.CopyExample();
        GateCorpusTests.Shard(_repo);
    }

    public void Dispose()
    {
        _repo.Dispose();
        _cacheFolder.Dispose();
    }

    private GateCache Cache => new(_cacheFolder.Root);

    private async Task<GateResult> Gate(GateCache? cache)
    {
        var workspace = WorkspaceLoader.Load(_repo.Root).Workspace!;
        return await LockGate.RunAsync(workspace, await ChannelIndex.LoadAsync(workspace, new ChannelLoader(null)), cache);
    }

    private string ShardOf(string package)
    {
        var index = Conda.Repodata.ShardIndex.Read(File.ReadAllBytes(_repo.Path_("channels/demo/linux-64/repodata_shards.msgpack.zst")), "index");
        return _repo.Path_("channels/demo/linux-64/shards/" + Conda.Repodata.ShardIndex.ShardFileName(index.Shards[package]));
    }

    [Fact]
    public async Task A_pass_on_the_same_contents_is_reused_without_reading_the_channel()
    {
        Assert.True((await Gate(Cache)).Passed);
        Assert.Single(Directory.GetFiles(_cacheFolder.Root, "*", SearchOption.AllDirectories));
        // A shard spoiled on disk (shards are named by their hash, which the key holds through the index): only a
        // gate that reads the channel can notice, so the cached pass proves nothing was read.
        File.WriteAllBytes(ShardOf("python"), [1, 2, 3]);
        var cached = await Gate(Cache);
        Assert.True(cached.Passed);
        Assert.Equal(7, cached.Locks.Count);
        await Assert.ThrowsAsync<LockChannelException>(() => Gate(cache: null));
    }

    [Fact]
    public async Task A_changed_lock_is_gated_again_and_a_failure_is_not_remembered()
    {
        Assert.True((await Gate(Cache)).Passed);
        var path = _repo.Path_("layers/snowflake.lock");
        File.WriteAllText(path, File.ReadAllText(path).Replace("# layer: snowflake\n", "# layer: r-analytics\n", StringComparison.Ordinal));
        var failed = await Gate(Cache);
        Assert.Contains(failed.Diagnostics, d => d.Code == Beacon.Layers.Diagnostics.DiagnosticCode.LockHeaderMismatch);
        Assert.Single(Directory.GetFiles(_cacheFolder.Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_changed_channel_is_gated_again()
    {
        Assert.True((await Gate(Cache)).Passed);
        // The channel now says another sha256 for a locked package: a new shard, a new index, a new key.
        var json = _repo.Path_("channels/demo/linux-64/repodata.json");
        var lockText = File.ReadAllText(_repo.Path_("layers/snowflake.lock"));
        var line = lockText.Split('\n').First(l => l.Contains("/snowflake-connector-python-", StringComparison.Ordinal));
        var sha = line[(line.IndexOf("sha256:", StringComparison.Ordinal) + 7)..];
        File.WriteAllText(json, File.ReadAllText(json).Replace(sha, new string('a', 64), StringComparison.Ordinal));
        Conda.Repodata.ShardWriter.IndexChannel(_repo.Path_("channels/demo"));
        var gate = await Gate(Cache);
        Assert.False(gate.Passed);
        Assert.Contains(gate.Diagnostics, d => d.Message.Contains("snowflake-connector-python", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_file_the_gate_reads_is_in_the_key_and_a_fifo_makes_it_uncacheable()
    {
        string Key(int day = 5) => Assert.IsType<string>(KeyOrNull(day));
        string? KeyOrNull(int day = 5)
        {
            var loaded = WorkspaceLoader.Load(_repo.Root);
            Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
            return GateCache.Key(loaded.Workspace!, ChannelIndex.LoadAsync(loaded.Workspace!, new ChannelLoader(null)).GetAwaiter().GetResult(), new DateOnly(2026, 12, day));
        }
        var first = Key();
        Assert.Equal(first, Key());
        var keys = new HashSet<string> { first };
        foreach (var file in new[] { "workloads/risk-batch.yaml", "stacks/Pulumi.acme-local.yaml", "beacon.yaml", "layers/core.lock" })
        {
            File.AppendAllText(_repo.Path_(file), "# edited\n");
            Assert.True(keys.Add(Key()), $"editing {file} kept the key");
        }
        File.WriteAllText(_repo.Path_("layers/extra.txt"), "notes\n");
        Assert.True(keys.Add(Key()), "a new file kept the key");
        // The policy and its advisories, and the day (a policy exception expires).
        _repo.Write("policy.yaml", "licenses:\n  deny: [AGPL-*]\n");
        Assert.True(keys.Add(Key()), "a policy kept the key");
        Assert.Equal(Key(), Key(day: 6)); // no exception: the day cannot change the verdict
        _repo.Write("policy.yaml", "licenses:\n  deny: [AGPL-*]\nexceptions:\n  - rule: license\n    package: r-base\n    owner: \"@acme/r\"\n    reason: R\n    expires: 2027-01-01\n");
        Assert.True(keys.Add(Key()), "an exception kept the key");
        _repo.Write("advisories/GHSA-jjg7-2v4v-x38h.json", File.ReadAllText(RepoPaths.RepoFile("tests", "fixtures", "osv", "GHSA-jjg7-2v4v-x38h.json")));
        Assert.True(keys.Add(Key()), "an advisory kept the key");
        Assert.True(keys.Add(Key(day: 6)), "another day kept the key");
        _repo.MakeFifo("layers/snowflake.lock");
        Assert.Null(KeyOrNull());
    }
}
