using Beacon.Conda.Records;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Conda.Tests.Records;

/// <summary>Records made by hand for rule tests (the solver's answer check, the environment closure): build "0", linux-64.</summary>
internal static class Made
{
    public static PackageRecord Record(string name, string version, string[]? depends = null, string[]? constrains = null) => new()
    {
        Name = name,
        Version = Version.Parse(version),
        Build = "0",
        Subdir = "linux-64",
        FileName = $"{name}-{version}-0.conda",
        Channel = "https://conda.example/c",
        Depends = depends ?? [],
        Constrains = constrains ?? [],
    };
}
