namespace Beacon.Conda.Specs;

/// <summary>The platform subdirectories conda knows (a channel path ending in one of them names that subdir).</summary>
public static class Subdirs
{
    public const string NoArch = "noarch";
    public const string Linux64 = "linux-64";
    public const string LinuxAarch64 = "linux-aarch64";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "noarch", "linux-32", "linux-64", "linux-aarch64", "linux-armv6l", "linux-armv7l", "linux-ppc64",
        "linux-ppc64le", "linux-riscv64", "linux-s390x", "osx-64", "osx-arm64", "win-32", "win-64", "win-arm64",
        "zos-z", "freebsd-64", "emscripten-wasm32", "wasi-wasm32",
    };

    public static bool IsKnown(string subdir) => Known.Contains(subdir);

    /// <summary>Whether a package of <paramref name="subdir"/> installs on <paramref name="platform"/>: its own subdir, or noarch.</summary>
    public static bool InstallsOn(string subdir, string platform) => subdir == platform || subdir == NoArch;
}
