
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
        if (value.Length == 0)
        {
            return $"{name} needs a value; write a version such as \"12.4\" (or version=build, as conda info prints it), or leave the key out";
        }
        return Conda.VirtualPackages.VirtualPackage.TryParseValue(name, value, out _, out var error) ? null : error;
    }
}
