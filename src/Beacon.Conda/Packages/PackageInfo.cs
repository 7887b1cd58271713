using System.Text.Json;

namespace Beacon.Conda.Packages;

public enum PathType
{
    File,
    SymbolicLink,
    Directory,
}

public enum FileMode
{
    Text,
    Binary,
}

/// <summary>One path a package installs, as <c>info/paths.json</c> (or <c>info/files</c> + <c>info/has_prefix</c>) lists it.</summary>
public sealed record PackagePath(string Path, PathType Type, string? Sha256, long? Size, string? PrefixPlaceholder, FileMode Mode);

/// <summary>
/// The metadata of an extracted package that installing needs: its paths with their prefix placeholders, whether it
/// is <c>noarch: python</c> and its entry points, and the link scripts it carries (which Beacon does not run).
/// </summary>
public sealed record PackageInfo(string Name, string Version, string Build, string? Noarch, IReadOnlyList<PackagePath> Paths,
    IReadOnlyList<string> EntryPoints, IReadOnlyList<string> LinkScripts)
{
    /// <summary>conda-build's placeholder for text files when <c>info/has_prefix</c> names none.</summary>
    public const string DefaultPlaceholder = "/opt/anaconda1anaconda2anaconda3";

    private const long MaxMetadataBytes = 64L << 20;

    public bool IsNoarchPython => Noarch == "python";

    /// <param name="label">How errors name the package (its channel file name); the extracted folder by default.</param>
    public static PackageInfo Read(string extracted, string? label = null)
    {
        var info = System.IO.Path.Combine(extracted, "info");
        var shown = (label ?? extracted) + ": info";
        using var index = Json(System.IO.Path.Combine(info, "index.json"), shown);
        var root = index.RootElement;
        var name = Text(root, "name") ?? throw new PackageArchiveException($"{shown}/index.json has no name");
        var noarch = root.TryGetProperty("noarch", out var n) ? n.ValueKind switch
        {
            JsonValueKind.String => n.GetString(),
            JsonValueKind.True => "generic", // very old packages: "noarch": true
            _ => null,
        } : null;
        var paths = File.Exists(System.IO.Path.Combine(info, "paths.json")) ? FromPathsJson(info, shown) : FromFilesAndHasPrefix(info, shown);
        var entryPoints = new List<string>();
        if (File.Exists(System.IO.Path.Combine(info, "link.json")))
        {
            using var link = Json(System.IO.Path.Combine(info, "link.json"), shown);
            if (link.RootElement.TryGetProperty("noarch", out var na) && na.ValueKind == JsonValueKind.Object)
            {
                if (na.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
                {
                    noarch = type.GetString();
                }
                if (na.TryGetProperty("entry_points", out var eps) && eps.ValueKind == JsonValueKind.Array)
                {
                    entryPoints.AddRange(eps.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
                }
            }
        }
        var scripts = paths.Select(p => p.Path)
            .Where(p => p.StartsWith($"bin/.{name}-", StringComparison.Ordinal) && (p.EndsWith("-link.sh", StringComparison.Ordinal) || p.EndsWith("-unlink.sh", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal).ToList();
        return new PackageInfo(name, Text(root, "version") ?? "", Text(root, "build") ?? "", noarch, paths, entryPoints, scripts);
    }

    private static JsonDocument Json(string path, string shown)
    {
        try
        {
            return JsonDocument.Parse(SafeFile.ReadAllBytes(path, MaxMetadataBytes), new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (Exception e) when (e is JsonException or SafeFileException)
        {
            throw new PackageArchiveException($"{shown}/{System.IO.Path.GetFileName(path)}: {e.Message}");
        }
    }

    private static string? Text(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<PackagePath> FromPathsJson(string info, string shown)
    {
        using var doc = Json(System.IO.Path.Combine(info, "paths.json"), shown);
        var result = new List<PackagePath>();
        if (!doc.RootElement.TryGetProperty("paths", out var paths) || paths.ValueKind != JsonValueKind.Array)
        {
            throw new PackageArchiveException($"{shown}/paths.json has no 'paths' list");
        }
        foreach (var p in paths.EnumerateArray())
        {
            var path = Listed(Text(p, "_path") ?? throw new PackageArchiveException($"{shown}/paths.json: an entry without _path"), shown, "paths.json");
            var type = Text(p, "path_type") switch
            {
                "softlink" => PathType.SymbolicLink,
                "directory" => PathType.Directory,
                _ => PathType.File,
            };
            var size = p.TryGetProperty("size_in_bytes", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : (long?)null;
            var mode = Text(p, "file_mode") == "binary" ? FileMode.Binary : FileMode.Text;
            result.Add(new PackagePath(path, type, Text(p, "sha256"), size, Text(p, "prefix_placeholder"), mode));
        }
        return result;
    }

    /// <summary>A listed path is read from the package and written into the prefix: plain relative segments only.</summary>
    private static string Listed(string path, string shown, string list)
    {
        var segments = path.Split('/');
        return path.StartsWith('/') || path.Contains('\0') || segments.Any(s => s is "" or "." or "..")
            ? throw new PackageArchiveException($"{shown}/{list} lists '{Parsing.Printable.Of(path)}', which is not a plain path inside the package")
            : path;
    }

    /// <summary>Packages from before paths.json: every file in info/files; placeholders in info/has_prefix ("placeholder mode path", or just "path").</summary>
    private static List<PackagePath> FromFilesAndHasPrefix(string info, string shown)
    {
        var files = File.Exists(System.IO.Path.Combine(info, "files"))
            ? System.Text.Encoding.UTF8.GetString(SafeFile.ReadAllBytes(System.IO.Path.Combine(info, "files"), MaxMetadataBytes)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        var prefixes = new Dictionary<string, (string Placeholder, FileMode Mode)>(StringComparer.Ordinal);
        var hasPrefix = System.IO.Path.Combine(info, "has_prefix");
        if (File.Exists(hasPrefix) && new FileInfo(hasPrefix).Length > 0)
        {
            foreach (var line in System.Text.Encoding.UTF8.GetString(SafeFile.ReadAllBytes(hasPrefix, MaxMetadataBytes)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var words = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"')).ToArray();
                if (words.Length == 3)
                {
                    prefixes[words[2]] = (words[0], words[1] == "binary" ? FileMode.Binary : FileMode.Text);
                }
                else if (words.Length == 1)
                {
                    prefixes[words[0]] = (DefaultPlaceholder, FileMode.Text);
                }
            }
        }
        var extracted = System.IO.Path.GetDirectoryName(info)!;
        return files.Select(f => Listed(f, shown, "files")).Select(f =>
        {
            var full = System.IO.Path.Combine(extracted, f);
            var type = new FileInfo(full).LinkTarget is not null ? PathType.SymbolicLink : PathType.File;
            return prefixes.TryGetValue(f, out var p)
                ? new PackagePath(f, type, null, null, p.Placeholder, p.Mode)
                : new PackagePath(f, type, null, null, null, FileMode.Text);
        }).ToList();
    }
}
