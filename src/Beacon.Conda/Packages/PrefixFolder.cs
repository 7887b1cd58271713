namespace Beacon.Conda.Packages;

/// <summary>
/// The prefix being installed into, written only where it really is: every path is resolved through the links
/// already installed (a package's own <c>lib/alias -> real</c> is followed, as conda follows it) and must end inside
/// the prefix's real folder, so a link installed by an earlier package can never send a later write (or a folder)
/// onto the build host. A file never replaces a folder, and a folder never replaces a file.
/// </summary>
internal sealed class PrefixFolder
{
    private readonly string _realPrefix;

    public PrefixFolder(string prefixDir)
    {
        Directory.CreateDirectory(prefixDir);
        _realPrefix = RealPath.Of(prefixDir).TrimEnd('/');
    }

    /// <summary>Where the file <paramref name="relative"/> goes, its folders created; an earlier file or link there is removed (never followed).</summary>
    public string File(string relative, string package)
    {
        var parent = Folder(Parent(relative), package, relative);
        var destination = parent + "/" + Name(relative);
        var info = new FileInfo(destination);
        if (info.LinkTarget is not null || info.Exists)
        {
            info.Delete();
        }
        else if (Directory.Exists(destination))
        {
            throw new PackageInstallException($"{package}: '{Parsing.Printable.Of(relative)}' is a file where a folder is already installed");
        }
        return destination;
    }

    /// <summary>The real folder <paramref name="relative"/> (created when missing), refused when it resolves outside the prefix.</summary>
    public string Folder(string relative, string package, string? forPath = null)
    {
        var full = relative.Length == 0 ? _realPrefix : _realPrefix + "/" + relative;
        string real;
        try
        {
            real = RealPath.Of(full);
        }
        catch (IOException e)
        {
            throw new PackageInstallException($"{package}: '{Parsing.Printable.Of(forPath ?? relative)}': {e.Message}");
        }
        if (real != _realPrefix && !real.StartsWith(_realPrefix + "/", StringComparison.Ordinal))
        {
            throw new PackageInstallException(
                $"{package}: '{Parsing.Printable.Of(forPath ?? relative)}' would be written outside the prefix (to '{Parsing.Printable.Of(real)}') through an installed symbolic link");
        }
        // Every folder from the prefix down, so a file standing where a folder is needed is named, not an IOException.
        var current = _realPrefix;
        foreach (var part in real[_realPrefix.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += "/" + part;
            if (System.IO.File.Exists(current))
            {
                throw new PackageInstallException($"{package}: '{Parsing.Printable.Of(forPath ?? relative)}' needs a folder where the file '{Parsing.Printable.Of(current[(_realPrefix.Length + 1)..])}' is installed");
            }
            Directory.CreateDirectory(current);
        }
        return real;
    }

    private static string Parent(string relative) => relative.LastIndexOf('/') is var i and >= 0 ? relative[..i] : "";

    private static string Name(string relative) => relative[(relative.LastIndexOf('/') + 1)..];
}
