namespace Beacon.Conda.Records;

/// <summary>What a conda package file name (<c>name-version-build.conda</c> or <c>.tar.bz2</c>) says about its package.</summary>
public static class PackageFileName
{
    /// <summary>
    /// The package name: what precedes the version and the build, neither of which holds a '-' (conda refuses one in
    /// both). Null for a name that is not a package file's. Channels read strictly only hold records whose file name
    /// agrees with their fields, so this finds the shard a locked file must be in.
    /// </summary>
    public static string? NameOf(string fileName)
    {
        var stem = fileName.EndsWith(".conda", StringComparison.Ordinal) ? fileName[..^6]
            : fileName.EndsWith(".tar.bz2", StringComparison.Ordinal) ? fileName[..^8]
            : null;
        if (stem is null)
        {
            return null;
        }
        var build = stem.LastIndexOf('-');
        var version = build <= 0 ? -1 : stem.LastIndexOf('-', build - 1);
        return version <= 0 ? null : stem[..version];
    }
}
