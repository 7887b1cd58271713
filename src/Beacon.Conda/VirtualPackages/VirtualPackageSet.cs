using System.Runtime.InteropServices;
using Beacon.Conda.Records;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Conda.VirtualPackages;

/// <summary>
/// The virtual packages a solve targets (<c>__unix</c>, <c>__linux</c>, <c>__glibc</c>, <c>__cuda</c>,
/// <c>__archspec</c>, <c>__osx</c>, <c>__win</c>): detected from this machine, or given explicitly for a target (a
/// layer's <c>system:</c> block describes the container's world, not the build machine's). The environment's
/// <c>CONDA_OVERRIDE_&lt;NAME&gt;</c> variables apply only when a caller opts in (<see cref="WithOverrides"/>, as
/// <c>beacon solve</c> does): a lock or the gate must not change with the shell it runs in.
/// </summary>
public sealed partial class VirtualPackageSet
{
    /// <summary>Targets assumed for a container when a layer says nothing: the oldest kernel and glibc conda-forge supports well.</summary>
    public const string DefaultLinux = "4.18";
    public const string DefaultGlibc = "2.28";

    private readonly SortedDictionary<string, (string Version, string Build)> _packages = new(StringComparer.Ordinal);

    private VirtualPackageSet(string platform)
    {
        Platform = platform;
    }

    public string Platform { get; }

    public IReadOnlyDictionary<string, (string Version, string Build)> Packages => _packages;

    /// <summary>
    /// The set for a target platform with explicit values (a layer's system block: <c>version</c> or
    /// <c>version=build</c>, validated by the caller); unnamed ones use defaults.
    /// </summary>
    public static VirtualPackageSet ForTarget(string platform, IReadOnlyDictionary<string, string> system)
    {
        var set = new VirtualPackageSet(platform);
        var (os, arch) = SplitPlatform(platform);
        if (os == "linux")
        {
            set._packages["__unix"] = ("0", "0");
            set._packages["__linux"] = (DefaultLinux, "0");
            set._packages["__glibc"] = (DefaultGlibc, "0");
        }
        else if (os == "osx")
        {
            set._packages["__unix"] = ("0", "0");
            set._packages["__osx"] = (arch == "arm64" ? "11.0" : "10.15", "0");
        }
        else if (os == "win")
        {
            set._packages["__win"] = ("0", "0");
        }
        set._packages[VirtualPackage.Archspec] = ("1", ArchspecFor(arch));
        foreach (var (name, value) in system)
        {
            if (!VirtualPackage.TryParseValue(name, value, out var package, out var error))
            {
                throw new ArgumentException(error, nameof(system));
            }
            set.Set(package);
        }
        return set;
    }

    /// <summary>This machine's virtual packages (for <c>beacon solve</c> without explicit targets).</summary>
    public static VirtualPackageSet Detect(string platform)
    {
        var system = new Dictionary<string, string>(StringComparer.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            if (TryRead("/proc/sys/kernel/osrelease") is { } kernel)
            {
                system["__linux"] = new string(kernel.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray()).Trim('.');
            }
            if (GlibcVersion() is { } glibc)
            {
                system["__glibc"] = glibc;
            }
            if (CudaDriverVersion() is { } cuda)
            {
                system["__cuda"] = cuda;
            }
        }
        return ForTarget(platform, system);
    }

    /// <summary>
    /// conda's overrides, opted into: CONDA_OVERRIDE_CUDA=12.1 sets __cuda, CONDA_OVERRIDE_CUDA= (empty) removes it,
    /// CONDA_OVERRIDE_ARCHSPEC=zen4 sets the microarchitecture. A value that is not a version is ignored, as conda does.
    /// </summary>
    public VirtualPackageSet WithOverrides(Func<string, string?> environment)
    {
        var copy = Copy();
        foreach (var name in new[] { "__cuda", "__glibc", "__linux", "__osx", "__win", VirtualPackage.Archspec, "__unix" })
        {
            if (environment("CONDA_OVERRIDE_" + name[2..].ToUpperInvariant()) is { } value
                && VirtualPackage.TryParseValue(name, value, out var package, out _))
            {
                copy.Set(package);
            }
        }
        return copy;
    }

    /// <summary>Sets or (with an empty version) removes one package, as <c>--virtual __cuda=12.1</c> does.</summary>
    public VirtualPackageSet With(VirtualPackage package)
    {
        var copy = Copy();
        copy.Set(package);
        return copy;
    }

    private VirtualPackageSet Copy()
    {
        var copy = new VirtualPackageSet(Platform);
        foreach (var (k, v) in _packages)
        {
            copy._packages[k] = v;
        }
        return copy;
    }

    private void Set(VirtualPackage package)
    {
        if (package.Removed)
        {
            _packages.Remove(package.Name);
        }
        else
        {
            _packages[package.Name] = (package.Version, package.Build);
        }
    }

    public IReadOnlyList<PackageRecord> ToRecords() => _packages
        .Select(kv => new PackageRecord
        {
            Name = kv.Key,
            Version = Version.Parse(kv.Value.Version),
            Build = kv.Value.Build,
            Subdir = Platform,
            FileName = $"{kv.Key}-{kv.Value.Version}-{kv.Value.Build}",
            Channel = "@",
        })
        .ToList();

    private static (string Os, string Arch) SplitPlatform(string platform)
    {
        var dash = platform.IndexOf('-');
        return dash < 0 ? (platform, "") : (platform[..dash], platform[(dash + 1)..]);
    }

    private static string ArchspecFor(string arch) => arch switch
    {
        "64" => "x86_64",
        "aarch64" or "arm64" => arch == "arm64" ? "arm64" : "aarch64",
        "ppc64le" => "ppc64le",
        "s390x" => "s390x",
        "32" => "x86",
        _ => arch.Length == 0 ? "x86_64" : arch,
    };

    private static string? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? GlibcVersion()
    {
        try
        {
            return Marshal.PtrToStringAnsi(GnuGetLibcVersion());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null; // musl or not Linux: no __glibc
        }
    }

    /// <summary>The CUDA version the installed driver supports (cuDriverGetVersion), or null without a driver.</summary>
    private static string? CudaDriverVersion()
    {
        try
        {
            if (CuInit(0) != 0 || CuDriverGetVersion(out var v) != 0 || v <= 0)
            {
                return null;
            }
            return $"{v / 1000}.{v % 1000 / 10}";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return null; // no NVIDIA driver on this machine
        }
    }

    [LibraryImport("libc", EntryPoint = "gnu_get_libc_version")]
    private static partial IntPtr GnuGetLibcVersion();

    [LibraryImport("libcuda.so.1", EntryPoint = "cuInit")]
    private static partial int CuInit(uint flags);

    [LibraryImport("libcuda.so.1", EntryPoint = "cuDriverGetVersion")]
    private static partial int CuDriverGetVersion(out int version);
}
