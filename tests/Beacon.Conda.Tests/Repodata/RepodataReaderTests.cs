using System.Text;
using Beacon.Conda.Repodata;
using Beacon.TestSupport;

namespace Beacon.Conda.Tests.Repodata;

public class RepodataReaderTests
{
    /// <summary>The fixture's repodata file as committed: plain <c>repodata.json</c>, or <c>repodata.json.zst</c> for the large ones.</summary>
    private static string Fixture(string channel, string subdir)
    {
        var plain = Path.Combine(Fixtures.Channel(channel), subdir, "repodata.json");
        return File.Exists(plain) ? plain : plain + ".zst";
    }

    [Theory]
    [InlineData("defaults-2018", "linux-64", 5305)]
    [InlineData("defaults-2018", "noarch", 338)]
    [InlineData("conda-forge-py-2024-05", "linux-64", 2709)]
    [InlineData("conda-forge-py-2024-05", "noarch", 205)]
    [InlineData("conda-forge-numpy-2024-02", "linux-64", 29)]
    public void Reads_every_record_of_the_fixtures_once(string channel, string subdir, int expected)
    {
        var records = new RepodataReader().ReadFile(Fixture(channel, subdir), "https://conda.example/" + channel, subdir);
        Assert.Equal(expected, records.Count);
        Assert.All(records, r => Assert.Equal(subdir, r.Subdir));
        Assert.Equal(records.Count, records.Select(r => r.FileName).Distinct().Count());
    }

    [Fact]
    public void The_conda_copy_wins_over_the_tar_bz2_copy_in_either_order()
    {
        var json = """
            {"info": {"subdir": "linux-64"},
             "packages": {"a-1.0-0.tar.bz2": {"name": "a", "version": "1.0", "build": "0", "build_number": 0, "depends": ["b"]}},
             "packages.conda": {"a-1.0-0.conda": {"name": "a", "version": "1.0", "build": "0", "build_number": 0, "depends": ["c"]}}}
            """;
        var reversed = """
            {"packages.conda": {"a-1.0-0.conda": {"name": "a", "version": "1.0", "build": "0", "depends": ["c"]}},
             "packages": {"a-1.0-0.tar.bz2": {"name": "a", "version": "1.0", "build": "0", "depends": ["b"]}},
             "info": {"subdir": "linux-64"}}
            """;
        foreach (var text in new[] { json, reversed })
        {
            var records = new RepodataReader().Read(Encoding.UTF8.GetBytes(text), "https://c");
            var a = Assert.Single(records);
            Assert.Equal("a-1.0-0.conda", a.FileName);
            Assert.Equal(["c"], a.Depends);
            Assert.Equal("linux-64", a.Subdir);
        }
    }

    [Fact]
    public void Reads_the_quirks_of_real_repodata()
    {
        var json = """
            {"packages": {
              "x-1-0.tar.bz2": {"name": "x", "version": "1", "build": "0", "build_number": 3, "depends": null, "constrains": ["y <2"],
                                "track_features": "mkl  blas_openblas,other", "timestamp": 1530812938, "noarch": "python",
                                "sha256": "ab", "md5": "cd", "size": 42, "license": "MIT", "requires": ["legacy"], "subdir": "noarch"},
              "z-2-0.tar.bz2": {"name": "z", "version": "2", "build": "0", "timestamp": 1530812938329, "track_features": ""}}}
            """;
        var records = new RepodataReader().Read(Encoding.UTF8.GetBytes(json), "https://c", "linux-64");
        var x = records.Single(r => r.Name == "x");
        Assert.Empty(x.Depends);
        Assert.Equal(["y <2"], x.Constrains);
        Assert.Equal(["mkl", "blas_openblas", "other"], x.TrackFeatures);
        Assert.Equal(1530812938000, x.Timestamp); // seconds become milliseconds
        Assert.Equal(3, x.BuildNumber);
        Assert.Equal(("python", "ab", "cd", 42L, "MIT", "noarch"), (x.Noarch, x.Sha256, x.Md5, x.Size!.Value, x.License, x.Subdir));
        var z = records.Single(r => r.Name == "z");
        Assert.Equal(1530812938329, z.Timestamp);
        Assert.Empty(z.TrackFeatures);
        Assert.Equal("linux-64", z.Subdir);
        Assert.Equal("https://c/linux-64/z-2-0.tar.bz2", z.Url);
    }

    [Fact]
    public void Reads_condas_flat_test_format()
    {
        var records = new RepodataReader().ReadFile(Fixtures.Path("conda", "solver-cases", "data", "channel-1_non-noarch.json.zst"), "https://c", "linux-64");
        Assert.Equal(1149, records.Count);
        Assert.Contains(records, r => r.DistString == "numpy-1.7.1-py33_0");
    }

    [Fact]
    public void Reads_zstd_compressed_repodata_like_the_plain_file()
    {
        var plain = File.ReadAllBytes(Fixture("conda-forge-numpy-2024-02", "linux-64"));
        using var compressor = new ZstdSharp.Compressor(3);
        using var temp = new TempRepo();
        var zst = Path.Combine(temp.Root, "repodata.json.zst");
        File.WriteAllBytes(zst, compressor.Wrap(plain).ToArray());
        var a = new RepodataReader().Read(plain, "https://c", "linux-64");
        var b = new RepodataReader().ReadFile(zst, "https://c", "linux-64");
        Assert.Equal(a.Select(r => r.DistString), b.Select(r => r.DistString));
    }

    [Theory]
    [InlineData("{\"packages\": {\"a.tar.bz2\": {\"name\": \"a\"")]
    [InlineData("[1, 2]")]
    [InlineData("{\"packages\": {\"a-1-0.tar.bz2\": {\"version\": \"1\", \"build\": \"0\"}}}")]
    [InlineData("{\"packages\": {\"a-1-0.tar.bz2\": {\"name\": \"a\", \"version\": \"1..2\", \"build\": \"0\"}}}")]
    public void Broken_repodata_is_a_clear_error(string json)
    {
        var e = Assert.Throws<RepodataException>(() => new RepodataReader().Read(Encoding.UTF8.GetBytes(json), "https://c"));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void Corrupt_zstd_is_a_clear_error() =>
        Assert.Throws<RepodataException>(() => RepodataReader.Decompress([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]));
}
