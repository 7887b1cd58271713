namespace Beacon.Conda.VirtualPackages;

/// <summary>
/// One virtual package in conda's printed form, <c>name=version=build</c> (what <c>conda info</c> lists:
/// <c>__archspec=1=x86_64</c>, <c>__glibc=2.35=0</c>). The build is optional and defaults to <c>0</c>; an empty version
/// means "not present" (<c>__cuda=</c>: no CUDA driver). For <c>__archspec</c> a single value names the
/// microarchitecture (the build), as <c>CONDA_OVERRIDE_ARCHSPEC</c> does.
/// </summary>
public readonly record struct VirtualPackage(string Name, string Version, string Build)
{
    public const string DefaultBuild = "0";
    public const string Archspec = "__archspec";

    /// <summary>Absent from the target (an empty version).</summary>
    public bool Removed => Version.Length == 0;

    public override string ToString() => $"{Name}={Version}={Build}";

    /// <summary>
    /// The shortest value that means the same (<c>12.4</c> for 12.4=0, <c>x86_64</c> for __archspec 1=x86_64): equal
    /// targets written either way hash the same in a lock's inputs.
    /// </summary>
    public string CanonicalValue =>
        Removed ? "" : Name == Archspec && Version == "1" ? Build : Build == DefaultBuild ? Version : $"{Version}={Build}";

    /// <summary>Parses <c>name=version[=build]</c> (or <c>name=</c> to remove).</summary>
    public static bool TryParse(string text, out VirtualPackage package, out string error)
    {
        package = default;
        var eq = text.IndexOf('=');
        if (eq < 0)
        {
            error = $"'{text}' is not name=version or name=version=build (for example __cuda=12.4 or __archspec=1=x86_64)";
            return false;
        }
        var name = text[..eq];
        if (!name.StartsWith("__", StringComparison.Ordinal) || name.Length == 2 || !name[2..].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            error = $"'{name}' is not a virtual package name (they start with '__', like __cuda)";
            return false;
        }
        return TryParseValue(name, text[(eq + 1)..], out package, out error);
    }

    /// <summary>Parses the value of a known name: <c>version</c>, <c>version=build</c>, or empty to remove.</summary>
    public static bool TryParseValue(string name, string value, out VirtualPackage package, out string error)
    {
        package = default;
        error = "";
        if (value.Length == 0)
        {
            package = new VirtualPackage(name, "", "");
            return true;
        }
        var parts = value.Split('=');
        if (parts.Length > 2)
        {
            error = $"'{name}={value}' has more than name, version and build; write {name}=version or {name}=version=build";
            return false;
        }
        string version, build;
        if (parts.Length == 1 && name == Archspec && !char.IsAsciiDigit(value[0]))
        {
            (version, build) = ("1", value); // __archspec=x86_64: the microarchitecture
        }
        else
        {
            (version, build) = (parts[0], parts.Length == 2 ? parts[1] : DefaultBuild);
        }
        if (version.Length == 0 || !char.IsAsciiDigit(version[0]) || Versions.Version.TryParse(version) is not { Success: true })
        {
            error = $"'{version}' is not a version for {name}; write a version number such as \"12.4\"";
            return false;
        }
        if (build.Length == 0 || !build.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
        {
            error = $"'{build}' is not a build for {name} (letters, digits, '_' and '.', such as 0 or x86_64)";
            return false;
        }
        package = new VirtualPackage(name, version, build);
        return true;
    }
}
