using Beacon.Conda.Locks;
using Beacon.Conda.Records;
using Beacon.TestSupport;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Conda.Tests.Locks;

public class ExplicitLockTests
{
    private static PackageRecord R(string name, string version, string build, params string[] depends) => new()
    {
        Name = name, Version = Version.Parse(version), Build = build, Subdir = "linux-64",
        FileName = $"{name}-{version}-{build}.conda", Channel = "https://conda.anaconda.org/conda-forge",
        Depends = depends, Sha256 = new string((char)('a' + name.Length % 6), 64),
    };

    private static readonly PackageRecord[] Records =
    [
        R("numpy", "1.26.4", "py311h64a7726_0", "python >=3.11,<3.12.0a0", "libblas >=3.9"),
        R("python", "3.11.8", "hab00c5b_0_cpython", "libzlib >=1.2.13"),
        R("libzlib", "1.2.13", "hd590300_5"),
        R("libblas", "3.9.0", "21_linux64_openblas"),
    ];

    [Fact]
    public void Written_lock_is_dependency_ordered_and_pinned()
    {
        var text = ExplicitLock.FromRecords("linux-64", Records, [new("layer", "core")]).Write();
        Snapshot.Match(text, "explicit-lock");
        var lines = text.Split('\n').Where(l => l.StartsWith("https://", StringComparison.Ordinal)).ToList();
        Assert.True(lines.FindIndex(l => l.Contains("/libzlib-", StringComparison.Ordinal)) < lines.FindIndex(l => l.Contains("/python-", StringComparison.Ordinal)));
        Assert.True(lines.FindIndex(l => l.Contains("/python-", StringComparison.Ordinal)) < lines.FindIndex(l => l.Contains("/numpy-", StringComparison.Ordinal)));
    }

    [Fact]
    public void Same_records_in_another_order_give_the_same_bytes()
    {
        var a = ExplicitLock.FromRecords("linux-64", Records).Write();
        var b = ExplicitLock.FromRecords("linux-64", Records.Reverse()).Write();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Parse_round_trips()
    {
        var lockFile = ExplicitLock.FromRecords("linux-64", Records, [new("layer", "core"), new("inputs-sha256", "abc")]);
        var parsed = ExplicitLock.Parse(lockFile.Write());
        Assert.True(parsed.Success, parsed.Error?.Message);
        Assert.Equal("linux-64", parsed.Value!.Platform);
        Assert.Equal("core", parsed.Value.Get("layer"));
        Assert.Equal("abc", parsed.Value.Get("inputs-sha256"));
        Assert.Equal(lockFile.Packages, parsed.Value.Packages);
        Assert.Equal(lockFile.Write(), parsed.Value.Write());
        var numpy = parsed.Value.Packages.Single(p => p.Name == "numpy");
        Assert.Equal(("1.26.4", "py311h64a7726_0", "linux-64", "https://conda.anaconda.org/conda-forge"), (numpy.Version.Text, numpy.Build, numpy.Subdir, numpy.Channel));
    }

    [Theory]
    [InlineData("https://c/linux-64/a-1-0.conda#0123456789abcdef0123456789abcdef", null, "0123456789abcdef0123456789abcdef")]
    [InlineData("https://c/linux-64/a-1-0.conda#md5:0123456789abcdef0123456789abcdef", null, "0123456789abcdef0123456789abcdef")]
    [InlineData("https://c/linux-64/a-1-0.tar.bz2#sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", null)]
    [InlineData("https://c/linux-64/a-1-0.tar.bz2#0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", null)]
    public void Reads_every_checksum_form_conda_writes(string line, string? sha256, string? md5)
    {
        var parsed = ExplicitLock.Parse("@EXPLICIT\n" + line + "\n");
        Assert.True(parsed.Success, parsed.Error?.Message);
        var p = Assert.Single(parsed.Value!.Packages);
        Assert.Equal((sha256, md5, "a"), (p.Sha256, p.Md5, p.Name));
    }

    [Theory]
    [InlineData("https://c/linux-64/a-1-0.conda\n", "line 1")]
    [InlineData("@EXPLICIT\nhttps://c/linux-64/a-1-0.conda#xyz\n", "line 2")]
    [InlineData("@EXPLICIT\nnot a url\n", "line 2")]
    [InlineData("@EXPLICIT\nhttps://c/linux-64/a.zip\n", "line 2")]
    [InlineData("# only comments\n", "no '@EXPLICIT'")]
    public void Hand_edited_mistakes_are_reported_with_their_line(string text, string where)
    {
        var parsed = ExplicitLock.Parse(text);
        Assert.False(parsed.Success);
        Assert.Contains(where, parsed.Error!.Message, StringComparison.Ordinal);
    }
}
