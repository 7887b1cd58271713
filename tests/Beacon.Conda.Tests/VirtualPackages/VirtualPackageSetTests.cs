using Beacon.Conda.VirtualPackages;

namespace Beacon.Conda.Tests.VirtualPackages;

public class VirtualPackageSetTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.Where(v => v.Key == key).Select(v => v.Value).FirstOrDefault();

    private static VirtualPackage Parse(string text) =>
        VirtualPackage.TryParse(text, out var package, out var error) ? package : throw new ArgumentException(error);

    [Fact]
    public void A_linux_target_has_unix_linux_glibc_archspec_and_cuda_only_when_given()
    {
        var plain = VirtualPackageSet.ForTarget("linux-64", new Dictionary<string, string>());
        Assert.Equal(["__archspec", "__glibc", "__linux", "__unix"], plain.Packages.Keys);
        Assert.Equal(("1", "x86_64"), plain.Packages["__archspec"]);
        Assert.Equal(VirtualPackageSet.DefaultGlibc, plain.Packages["__glibc"].Version);

        var gpu = VirtualPackageSet.ForTarget("linux-64", new Dictionary<string, string> { ["__cuda"] = "12.4", ["__glibc"] = "2.35" });
        Assert.Equal("12.4", gpu.Packages["__cuda"].Version);
        Assert.Equal("2.35", gpu.Packages["__glibc"].Version);
    }

    [Fact]
    public void A_target_ignores_the_environment_unless_a_caller_opts_into_condas_overrides()
    {
        var env = Env(("CONDA_OVERRIDE_CUDA", ""), ("CONDA_OVERRIDE_GLIBC", "2.17"), ("CONDA_OVERRIDE_ARCHSPEC", "zen4"));
        Environment.SetEnvironmentVariable("CONDA_OVERRIDE_GLIBC", "2.5");
        try
        {
            var target = VirtualPackageSet.ForTarget("linux-64", new Dictionary<string, string> { ["__cuda"] = "12.4" });
            Assert.Equal(VirtualPackageSet.DefaultGlibc, target.Packages["__glibc"].Version); // the process environment is not read
            var overridden = target.WithOverrides(env);
            Assert.False(overridden.Packages.ContainsKey("__cuda"));
            Assert.Equal("2.17", overridden.Packages["__glibc"].Version);
            Assert.Equal(("1", "zen4"), overridden.Packages["__archspec"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CONDA_OVERRIDE_GLIBC", null);
        }
    }

    [Fact]
    public void With_sets_or_removes_one_package()
    {
        var set = VirtualPackageSet.ForTarget("linux-64", new Dictionary<string, string> { ["__cuda"] = "12.4" });
        Assert.Equal("11.8", set.With(Parse("__cuda=11.8")).Packages["__cuda"].Version);
        Assert.False(set.With(Parse("__glibc=")).Packages.ContainsKey("__glibc"));
    }

    [Theory]
    [InlineData("__archspec=1=x86_64", "__archspec", "1", "x86_64")]
    [InlineData("__glibc=2.35=0", "__glibc", "2.35", "0")]
    [InlineData("__cuda=12.4", "__cuda", "12.4", "0")]
    [InlineData("__archspec=zen4", "__archspec", "1", "zen4")]
    [InlineData("__unix=0=0", "__unix", "0", "0")]
    public void Condas_printed_form_name_version_build_is_read(string text, string name, string version, string build) =>
        Assert.Equal(new VirtualPackage(name, version, build), Parse(text));

    [Theory]
    [InlineData("__archspec=1=x86_64=extra", "more than name, version and build")]
    [InlineData("cuda=12.4", "not a virtual package name")]
    [InlineData("__cuda", "is not name=version")]
    [InlineData("__cuda=twelve", "'twelve' is not a version for __cuda")]
    [InlineData("__glibc=2.35=x y", "'x y' is not a build for __glibc")]
    [InlineData("__glibc=2.35=", "'' is not a build for __glibc")]
    public void Anything_else_is_a_clear_error(string text, string expected)
    {
        Assert.False(VirtualPackage.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_build_takes_part_in_matching()
    {
        var records = VirtualPackageSet.ForTarget("linux-64", new Dictionary<string, string> { ["__archspec"] = "1=x86_64" }).ToRecords();
        var archspec = records.Single(r => r.Name == "__archspec");
        Assert.True(Beacon.Conda.Specs.MatchSpec.Parse("__archspec * x86_64").Matches(archspec));
        Assert.False(Beacon.Conda.Specs.MatchSpec.Parse("__archspec * zen4").Matches(archspec));
    }

    [Fact]
    public void Equal_targets_written_either_way_have_one_canonical_value()
    {
        Assert.Equal("x86_64", Parse("__archspec=1=x86_64").CanonicalValue);
        Assert.Equal("2.35", Parse("__glibc=2.35=0").CanonicalValue);
        Assert.Equal("12.4=cuda_custom", Parse("__cuda=12.4=cuda_custom").CanonicalValue);
    }

    [Fact]
    public void Other_platforms()
    {
        Assert.Contains("__osx", VirtualPackageSet.ForTarget("osx-arm64", new Dictionary<string, string>()).Packages.Keys);
        Assert.Equal(("1", "arm64"), VirtualPackageSet.ForTarget("osx-arm64", new Dictionary<string, string>()).Packages["__archspec"]);
        Assert.Contains("__win", VirtualPackageSet.ForTarget("win-64", new Dictionary<string, string>()).Packages.Keys);
    }

    [Fact]
    public void Detection_on_this_machine_finds_linux_and_glibc()
    {
        Assert.True(OperatingSystem.IsLinux(), "Beacon builds and tests on Linux");
        var set = VirtualPackageSet.Detect("linux-64");
        Assert.Matches(@"^\d+\.\d+", set.Packages["__linux"].Version);
        Assert.Matches(@"^2\.\d+", set.Packages["__glibc"].Version);
    }

    [Fact]
    public void Records_carry_name_version_and_build()
    {
        var records = VirtualPackageSet.ForTarget("linux-64", new Dictionary<string, string> { ["__cuda"] = "12.4" }).ToRecords();
        var cuda = records.Single(r => r.Name == "__cuda");
        Assert.Equal(("12.4", "0"), (cuda.Version.Text, cuda.Build));
    }
}
