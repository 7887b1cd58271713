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
    [InlineData("defaults-2018", "linux-64", 5305, 0)]
    [InlineData("defaults-2018", "noarch", 325, 13)]
    [InlineData("conda-forge-py-2024-05", "linux-64", 2709, 0)]
    [InlineData("conda-forge-py-2024-05", "noarch", 205, 0)]
    [InlineData("conda-forge-numpy-2024-02", "linux-64", 29, 0)]
    public void Reads_every_record_of_the_fixtures_once_leaving_out_those_without_a_sha256(string channel, string subdir, int expected, int leftOut)
    {
        var reader = new RepodataReader();
        var records = reader.ReadFile(Fixture(channel, subdir), "https://conda.example/" + channel, subdir);
        Assert.Equal(expected, records.Count);
        Assert.Equal(leftOut, reader.LeftOut.Count);
        Assert.All(reader.LeftOut, r => Assert.Equal(LeftOutReason.NoSha256, r.Reason));
        Assert.All(records, r => Assert.Equal(subdir, r.Subdir));
        Assert.All(records, r => Assert.Matches("^[0-9a-f]{64}$", r.Sha256));
        Assert.Equal(records.Count, records.Select(r => r.FileName).Distinct().Count());
        // Read as conda's test data, the same file keeps them.
        Assert.Equal(expected + leftOut, new RepodataReader(RepodataPolicy.TestData).ReadFile(Fixture(channel, subdir), "https://conda.example/" + channel, subdir).Count);
    }

    private const string Sha = "bbcb78faab478a23ec0faf67f40d45bb330bda9b1c2cce77f3f812a1920697c4";

    [Theory]
    [InlineData("\"a-1-0.conda\": {\"name\": \"a\", \"version\": \"1\", \"build\": \"0\", \"sha256\": \"zz\"}", "record 'a-1-0.conda' has a sha256 that is not 64 hex digits ('zz')")]
    [InlineData("\"../../../etc/passwd\": {\"name\": \"a\", \"version\": \"1\", \"build\": \"0\", \"sha256\": \"SHA\"}", "record '../../../etc/passwd' is not a conda package file name")]
    [InlineData("\"../a-1-0.conda\": {\"name\": \"a\", \"version\": \"1\", \"build\": \"0\", \"sha256\": \"SHA\"}", "record '../a-1-0.conda' is not a conda package file name")]
    [InlineData("\"a-1-0.conda\": {\"name\": \"a\", \"version\": \"1\", \"build\": \"0\", \"sha256\": \"SHA\", \"subdir\": \"osx-64\"}", "record 'a-1-0.conda' belongs to subdir 'osx-64', not 'linux-64'")]
    [InlineData("\"a-1-0.conda\": {\"name\": \"a\", \"version\": \"1\", \"build\": 5, \"sha256\": \"SHA\"}", "record 'a-1-0.conda' has a 'build' that is not text")]
    [InlineData("\"a-1-0.conda\": {\"name\": \"a\", \"version\": \"1\", \"build\": \"0\", \"build_number\": 1e30, \"sha256\": \"SHA\"}", "record 'a-1-0.conda' has a 'build_number' that is not a whole number")]
    [InlineData("\"a-1-0.conda\": {\"name\": \"a\", \"version\": \"1\", \"build\": \"0\", \"depends\": \"b\", \"sha256\": \"SHA\"}", "record 'a-1-0.conda' has a 'depends' that is not a list of text")]
    public void Records_that_could_not_be_verified_or_downloaded_safely_are_refused_naming_channel_subdir_and_file(string record, string expected)
    {
        var json = "{\"packages.conda\": {" + record.Replace("SHA", Sha, StringComparison.Ordinal) + "}}";
        var e = Assert.Throws<RepodataException>(() => new RepodataReader().Read(Encoding.UTF8.GetBytes(json), "https://conda.example/ch", "linux-64"));
        Assert.StartsWith("https://conda.example/ch/linux-64/repodata.json: " + expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_without_a_sha256_is_left_out_and_counted()
    {
        var json = "{\"packages\": {\"a-1-0.tar.bz2\": {\"name\": \"a\", \"version\": \"1\", \"build\": \"0\", \"md5\": \"0123456789abcdef0123456789abcdef\"}, " +
                   "\"b-1-0.tar.bz2\": {\"name\": \"b\", \"version\": \"1\", \"build\": \"0\", \"sha256\": \"" + Sha + "\"}}}";
        var reader = new RepodataReader();
        Assert.Equal(["b"], reader.Read(Encoding.UTF8.GetBytes(json), "https://c", "noarch").Select(r => r.Name));
        Assert.Equal(["noarch/a-1-0.tar.bz2"], reader.LeftOut.Select(r => r.Path));
        // A one-off solve keeps it (it locks nothing); the path and hex checks stay.
        Assert.Equal(["a", "b"], new RepodataReader(RepodataPolicy.Explore).Read(Encoding.UTF8.GetBytes(json), "https://c", "noarch").Select(r => r.Name).Order());
    }

    [Fact]
    public void A_record_named_for_another_package_costs_that_record_only()
    {
        // conda's own solver test channel has one (anaconda-custom-0.tar.bz2 whose fields say dummy-anaconda custom 0);
        // conda, mamba and rattler key records by file name and go on.
        var json = "{\"packages\": {\"b-1-0.tar.bz2\": {\"name\": \"a\", \"version\": \"1\", \"build\": \"0\", \"sha256\": \"" + Sha + "\"}, " +
                   "\"c-1-0.tar.bz2\": {\"name\": \"c\", \"version\": \"1\", \"build\": \"0\", \"sha256\": \"" + Sha + "\"}}}";
        foreach (var policy in new[] { RepodataPolicy.Channel, RepodataPolicy.Explore })
        {
            var reader = new RepodataReader(policy);
            Assert.Equal(["c"], reader.Read(Encoding.UTF8.GetBytes(json), "https://c", "linux-64").Select(r => r.Name));
            var leftOut = Assert.Single(reader.LeftOut);
            Assert.Equal(new LeftOutRecord("linux-64", "b-1-0.tar.bz2", LeftOutReason.NamedForAnotherPackage, "its fields say a 1 0"), leftOut);
            Assert.Equal(["channel 'ch': 1 record named for another package than their fields say left out: linux-64/b-1-0.tar.bz2 (its fields say a 1 0)"],
                LeftOutRecord.Warnings("ch", reader.LeftOut));
        }
    }

    [Fact]
    public void Warnings_name_a_few_records_and_count_the_rest()
    {
        var leftOut = Enumerable.Range(0, 5).Select(i => new LeftOutRecord("noarch", $"p{i}-1-0.conda", LeftOutReason.NoSha256, "")).ToList();
        Assert.Equal(["channel 'x': 5 records without a sha256 (they could never be verified) left out: noarch/p0-1-0.conda, noarch/p1-1-0.conda, noarch/p2-1-0.conda and 2 more"],
            LeftOutRecord.Warnings("x", leftOut));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xe9, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]  // a Latin-1 byte
    [InlineData(new byte[] { (byte)'[', (byte)'[', (byte)'[' })]
    public void Malformed_text_is_a_repodata_error_never_another_exception(byte[] bytes) =>
        Assert.Throws<RepodataException>(() => new RepodataReader().Read(bytes, "https://c", "linux-64"));

    [Fact]
    public void Deep_nesting_is_refused_not_followed()
    {
        var deep = "{\"packages\": {\"a-1-0.conda\": {\"depends\": " + new string('[', 100_000) + new string(']', 100_000) + "}}}";
        var e = Assert.Throws<RepodataException>(() => new RepodataReader().Read(Encoding.UTF8.GetBytes(deep), "https://c", "linux-64"));
        Assert.StartsWith("https://c/linux-64/repodata.json: ", e.Message, StringComparison.Ordinal);
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
            var records = new RepodataReader(RepodataPolicy.TestData).Read(Encoding.UTF8.GetBytes(text), "https://c");
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
        var records = new RepodataReader(RepodataPolicy.TestData).Read(Encoding.UTF8.GetBytes(json), "https://c", "linux-64");
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
        var records = new RepodataReader(RepodataPolicy.TestData).ReadFile(Fixtures.Path("conda", "solver-cases", "data", "channel-1_non-noarch.json.zst"), "https://c", "linux-64");
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

    [Fact]
    public void A_fifo_named_repodata_is_refused_without_being_opened()
    {
        // Issue 10, defect 4: opening it blocked forever.
        using var channel = new TempRepo("beacon-fifo-channel-");
        channel.MakeFifo("linux-64/repodata.json");
        var e = Assert.Throws<RepodataException>(() => new RepodataReader().ReadFile(channel.Path_("linux-64/repodata.json"), "https://c", "linux-64"));
        Assert.EndsWith("is empty or not a regular file (a FIFO or a device)", e.Message, StringComparison.Ordinal);
    }
}
