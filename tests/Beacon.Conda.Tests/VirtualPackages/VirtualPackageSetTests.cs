using Beacon.Conda.VirtualPackages;

namespace Beacon.Conda.Tests.VirtualPackages;

public class VirtualPackageSetTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.Where(v => v.Key == key).Select(v => v.Value).FirstOrDefault();

    [Fact]
    public void A_linux_target_has_unix_linux_glibc_archspec_and_cuda_only_when_given()
    {
        var plain = VirtualPackageSet.ForTarget("linux-64", new Dictionary<string, string>(), Env());
        Assert.Equal(["__archspec", "__glibc", "__linux", "__unix"], plain.Packages.Keys);
        Assert.Equal(("1", "x86_64"), plain.Packages["__archspec"]);
        Assert.Equal(VirtualPackageSet.DefaultGlibc, plain.Packages["__glibc"].Version);

        var gpu = VirtualPackageSet.ForTarget("linux-64", new Dictionary<string, string> { ["__cuda"] = "12.4", ["__glibc"] = "2.35" }, Env());
        Assert.Equal("12.4", gpu.Packages["__cuda"].Version);
        Assert.Equal("2.35", gpu.Packages["__glibc"].Version);
    }

    [Fact]
    public void Conda_overrides_win_and_an_empty_one_removes_the_package()
    {
        var set = VirtualPackageSet.ForTarget("linux-64", new Dictionary<string, string> { ["__cuda"] = "12.4" },
            Env(("CONDA_OVERRIDE_CUDA", ""), ("CONDA_OVERRIDE_GLIBC", "2.17")));
        Assert.False(set.Packages.ContainsKey("__cuda"));
        Assert.Equal("2.17", set.Packages["__glibc"].Version);
        Assert.Equal("11.8", set.With("__cuda", "11.8").Packages["__cuda"].Version);
        Assert.False(set.With("__glibc", "").Packages.ContainsKey("__glibc"));
    }

    [Fact]
    public void Other_platforms()
    {
        Assert.Contains("__osx", VirtualPackageSet.ForTarget("osx-arm64", new Dictionary<string, string>(), Env()).Packages.Keys);
        Assert.Equal(("1", "arm64"), VirtualPackageSet.ForTarget("osx-arm64", new Dictionary<string, string>(), Env()).Packages["__archspec"]);
        Assert.Contains("__win", VirtualPackageSet.ForTarget("win-64", new Dictionary<string, string>(), Env()).Packages.Keys);
    }

    [Fact]
    public void Detection_on_this_machine_finds_linux_and_glibc()
    {
        Assert.True(OperatingSystem.IsLinux(), "Beacon builds and tests on Linux");
        var set = VirtualPackageSet.Detect("linux-64", Env());
        Assert.Matches(@"^\d+\.\d+", set.Packages["__linux"].Version);
        Assert.Matches(@"^2\.\d+", set.Packages["__glibc"].Version);
    }

    [Fact]
    public void Records_carry_name_version_and_build()
    {
        var records = VirtualPackageSet.ForTarget("linux-64", new Dictionary<string, string> { ["__cuda"] = "12.4" }, Env()).ToRecords();
        var cuda = records.Single(r => r.Name == "__cuda");
        Assert.Equal(("12.4", "0"), (cuda.Version.Text, cuda.Build));
    }
}
