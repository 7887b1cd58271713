using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Beacon.Conda;

namespace Beacon.Catalog;

/// <summary>
/// The catalog's folder: the page, its style and scripts (embedded in this assembly) and the data as a script
/// (<c>window.BEACON_CATALOG = {...};</c>) — a script, not a JSON file, because a page opened from file:// may not fetch.
/// The data is written by System.Text.Json's default encoder, which escapes every character HTML or a script could
/// read as markup (&lt; &gt; &amp; quotes, U+2028/9); the page only ever sets it as text. The same data gives the same bytes.
/// </summary>
public static class CatalogSite
{
    public const string DataFile = "catalog-data.js";

    /// <summary>The files of the page that do not depend on the data, in the order they are written.</summary>
    public static readonly IReadOnlyList<string> AssetFiles = ["index.html", "catalog.css", "conda.js", "catalog.js", "favicon.svg"];

    /// <summary>Every file of the catalog, by name.</summary>
    public static IReadOnlyDictionary<string, byte[]> Render(CatalogData data)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in AssetFiles)
        {
            files[name] = Asset(name);
        }
        var json = JsonSerializer.Serialize(data, CatalogJson.Default.CatalogData);
        files[DataFile] = Encoding.UTF8.GetBytes("// Written by beacon catalog: the repository's layers, packages and placements.\nwindow.BEACON_CATALOG = " + json + ";\n");
        return files;
    }

    /// <summary>
    /// Writes the catalog into <paramref name="folder"/>, whole or not at all: the files are written into a new folder
    /// beside it, which then takes its place. A folder that exists must be a catalog already (it holds
    /// <see cref="DataFile"/>) or be empty: the command never replaces someone's other files.
    /// </summary>
    /// <param name="shownAs">How errors name the folder (as the user gave it); the folder itself by default.</param>
    public static void Write(CatalogData data, string folder, string? shownAs = null)
    {
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        shownAs ??= folder;
        if (File.Exists(full))
        {
            throw new FileWriteException(shownAs, "it is a file; the catalog is a folder");
        }
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !File.Exists(Path.Combine(full, DataFile)))
        {
            throw new FileWriteException(shownAs, $"it holds other files and no {DataFile}; give an empty or new folder for the catalog");
        }
        var parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(full)}.beacon-{Guid.NewGuid():N}");
        var previous = staging + ".old";
        try
        {
            Directory.CreateDirectory(staging);
            foreach (var (name, bytes) in Render(data))
            {
                File.WriteAllBytes(Path.Combine(staging, name), bytes);
            }
            if (Directory.Exists(full))
            {
                Directory.Move(full, previous);
            }
            Directory.Move(staging, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (Directory.Exists(previous) && !Directory.Exists(full))
            {
                Directory.Move(previous, full);
            }
            throw new FileWriteException(shownAs, e.Message, e);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
            if (Directory.Exists(previous))
            {
                Directory.Delete(previous, recursive: true);
            }
        }
    }

    private static byte[] Asset(string name)
    {
        using var stream = typeof(CatalogSite).Assembly.GetManifestResourceStream($"Beacon.Catalog.Assets.{name}")
            ?? throw new InvalidOperationException($"the catalog asset {name} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CatalogData))]
internal sealed partial class CatalogJson : JsonSerializerContext;
