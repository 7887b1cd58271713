using Beacon.Conda.Channels;
using Beacon.Conda.Records;
using Beacon.Conda.Repodata;
using Beacon.TestSupport;

namespace Beacon.Conda.Tests.Repodata;

/// <summary>A plain repodata.json read by name through its index: the same records, the index reused, memory bounded.</summary>
public sealed class RepodataIndexTests : IDisposable
{
    private static readonly string[] Subdirs = ["linux-64", "noarch"];
    private readonly TempRepo _temp = new("beacon-repodata-index-");

    public void Dispose() => _temp.Dispose();

    private static string Describe(PackageRecord r) => string.Join("|", r.Channel, r.Subdir, r.FileName, r.Name, r.Version.Text, r.Build, r.BuildNumber,
        string.Join(",", r.Depends), string.Join(",", r.Constrains), string.Join(",", r.TrackFeatures), r.Features, r.Noarch, r.Sha256, r.Md5, r.Size,
        r.Timestamp, r.License);

    /// <summary>The fixture channel as plain repodata.json files (the fixtures are stored compressed).</summary>
    private string Plain(string fixture)
    {
        var target = Path.Combine(_temp.Root, fixture);
        foreach (var subdir in Subdirs)
        {
            var source = Path.Combine(Fixtures.Channel(fixture), subdir, "repodata.json");
            var bytes = File.Exists(source) ? File.ReadAllBytes(source) : RepodataReader.Decompress(File.ReadAllBytes(source + ".zst"));
            Directory.CreateDirectory(Path.Combine(target, subdir));
            File.WriteAllBytes(Path.Combine(target, subdir, "repodata.json"), bytes);
        }
        return target;
    }

    [Theory]
    [InlineData("defaults-2018")]
    [InlineData("conda-forge-py-2024-05")]
    [InlineData("conda-forge-numpy-2024-02")]
    public async Task Records_read_by_name_are_the_whole_reading_s_and_the_index_is_reused(string fixture)
    {
        var channel = Plain(fixture);
        var indexes = Path.Combine(_temp.Root, "index");
        var whole = LocalChannel.Load(channel, Subdirs, fixture, "https://conda.example/c", new RepodataReader(RepodataPolicy.Explore));
        var indexed = LocalChannel.Open(channel, Subdirs, fixture, "https://conda.example/c", new RepodataReader(RepodataPolicy.Explore), indexes);
        Assert.All(indexed.Subdirs, s => Assert.IsType<IndexedSubdir>(s));
        Assert.Equal(whole.Records.Select(Describe).Order(StringComparer.Ordinal), (await indexed.AllAsync()).Select(Describe).Order(StringComparer.Ordinal));
        Assert.Equal(whole.LeftOut.Select(l => l.Path).Order(), indexed.LeftOut.Select(l => l.Path).Order());
        var stored = Directory.GetFiles(indexes).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList();
        Assert.Equal(2, stored.Count);

        var again = LocalChannel.Open(channel, Subdirs, fixture, "https://conda.example/c", new RepodataReader(RepodataPolicy.Explore), indexes);
        Assert.Equal(stored, Directory.GetFiles(indexes).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList());
        var name = whole.Records[0].Name;
        await again.LoadAsync([name]);
        Assert.Equal(whole.Records.Where(r => r.Name == name).Select(Describe), again.Named(name).Select(Describe));
        Assert.Throws<InvalidOperationException>(() => again.Named(whole.Records.First(r => r.Name != name).Name));
    }

    [Fact]
    public async Task A_damaged_index_is_written_again_and_an_edited_file_gets_its_own()
    {
        var channel = Plain("conda-forge-numpy-2024-02");
        var indexes = Path.Combine(_temp.Root, "index");
        await LocalChannel.Open(channel, ["linux-64"], "c", null, new RepodataReader(), indexes).LoadAsync(["numpy"]);
        var index = Assert.Single(Directory.GetFiles(indexes));
        File.WriteAllBytes(index, [.. File.ReadAllBytes(index)[..40], 0xff, 0xff, 0xff, 0xff]);
        var source = LocalChannel.Open(channel, ["linux-64"], "c", null, new RepodataReader(), indexes);
        await source.LoadAsync(["numpy"]);
        Assert.NotEmpty(source.Named("numpy"));

        var json = Path.Combine(channel, "linux-64", "repodata.json");
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"numpy\"", "\"numpy\" ", StringComparison.Ordinal));
        var edited = LocalChannel.Open(channel, ["linux-64"], "c", null, new RepodataReader(), indexes);
        await edited.LoadAsync(["numpy"]);
        Assert.Equal(source.Named("numpy").Select(Describe), edited.Named("numpy").Select(Describe));
        Assert.Equal(2, Directory.GetFiles(indexes).Length);
    }

    [Fact]
    public async Task Opening_hashes_the_file_and_the_index_waits_for_the_first_name_asked_for()
    {
        // A result reused under the content id (the compiler with nothing changed) needs the hash, never the index.
        var channel = Plain("conda-forge-numpy-2024-02");
        var indexes = Path.Combine(_temp.Root, "index");
        var source = LocalChannel.Open(channel, ["linux-64"], "c", null, new RepodataReader(), indexes);
        var id = Assert.Single(source.Subdirs).ContentId;
        Assert.StartsWith("json:blake3-blocks:", id, StringComparison.Ordinal);
        Assert.False(Directory.Exists(indexes) && Directory.EnumerateFiles(indexes).Any());
        await source.LoadAsync(["numpy"]);
        Assert.NotEmpty(source.Named("numpy"));
        Assert.Single(Directory.GetFiles(indexes));
    }

    [Fact]
    public async Task A_file_that_is_not_repodata_or_names_another_subdir_fails_when_first_asked_for()
    {
        var channel = Plain("conda-forge-numpy-2024-02");
        var json = Path.Combine(channel, "linux-64", "repodata.json");
        var reader = new RepodataReader();
        var indexes = Path.Combine(_temp.Root, "index");

        File.WriteAllText(json, File.ReadAllText(json).Replace("\"subdir\": \"linux-64\"", "\"subdir\": \"osx-64\"", StringComparison.Ordinal));
        var other = LocalChannel.Open(channel, ["linux-64"], "c", null, reader, indexes);
        var e = await Assert.ThrowsAsync<RepodataException>(() => other.LoadAsync(["numpy"]));
        Assert.Equal($"{json} says it is the repodata of subdir 'osx-64'", e.Message);

        File.WriteAllText(json, "{\"packages\": {\"numpy-1-0.tar.bz2\": {\"name\": \"numpy\"");
        var cut = LocalChannel.Open(channel, ["linux-64"], "c", null, reader, indexes);
        e = await Assert.ThrowsAsync<RepodataException>(() => cut.LoadAsync(["numpy"]));
        Assert.StartsWith($"{json} is not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_a_few_names_of_a_large_channel_never_holds_the_whole_file()
    {
        // About 60 MB: the conda-forge fixture's linux-64 records, 25 times (24 copies under new file names).
        var channel = Plain("conda-forge-py-2024-05");
        var json = Path.Combine(channel, "linux-64", "repodata.json");
        var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllBytes(json))!.AsObject();
        foreach (var section in new[] { "packages", "packages.conda" })
        {
            if (document[section] is not System.Text.Json.Nodes.JsonObject records)
            {
                continue;
            }
            foreach (var (file, record) in records.ToList())
            {
                for (var k = 0; k < 24; k++)
                {
                    records[file.Replace(".conda", $".x{k}.conda", StringComparison.Ordinal).Replace(".tar.bz2", $".x{k}.tar.bz2", StringComparison.Ordinal)] = record!.DeepClone();
                }
            }
        }
        File.WriteAllText(json, document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var size = new FileInfo(json).Length;
        Assert.True(size > 50_000_000, $"{size} bytes");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var source = LocalChannel.Open(channel, ["linux-64"], "c", null, new RepodataReader(RepodataPolicy.Explore), Path.Combine(_temp.Root, "index"));
        await source.LoadAsync(["python", "openssl"]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotEmpty(source.Named("python"));
        Assert.True(allocated < size / 4, $"{allocated} bytes allocated to read two names of a {size}-byte repodata.json");
    }
}
