
namespace Beacon.Layers.Validation;

/// <summary>The virtual packages a layer's <c>system:</c> block may name, and what their values must look like.</summary>
public static class VirtualPackageNames
{
    public static readonly IReadOnlyList<string> Known = ["__archspec", "__cuda", "__glibc", "__linux", "__osx", "__unix", "__win"];

    /// <summary>Null when valid; otherwise why not.</summary>
    public static string? Check(string name, string value)
    {
        if (!Known.Contains(name))
        {
            return $"'{name}' is not a virtual package Beacon knows (known: {string.Join(", ", Known)})";
        }
        if (name == "__archspec")
        {
            return value.Length > 0 && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')
                ? null
                : $"'{value}' is not a CPU microarchitecture name such as x86_64 or zen4";
        }
        if (value.Length == 0 || !char.IsAsciiDigit(value[0]))
        {
            return $"'{value}' is not a version for {name}; write a version number such as \"12.4\"";
        }
        var parsed = Conda.Versions.Version.TryParse(value);
        return parsed.Success ? null : $"'{value}' is not a valid version for {name}: {parsed.Error.Message}";
    }
}
