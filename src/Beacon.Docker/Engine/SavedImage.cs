using System.Formats.Tar;
using System.Text.Json;
using Beacon.Evidence.Verification;

namespace Beacon.Docker.Engine;

/// <summary>
/// An image as the engine saved it (<see cref="DockerClient.SaveImageAsync"/>), taken apart into its layer files, bottom
/// first: <c>manifest.json</c> names them — <c>&lt;id&gt;/layer.tar</c> in Docker's own format, <c>blobs/sha256/&lt;hex&gt;</c>
/// in the OCI layout Docker 25 and later write — and a layer stored once for two images may be a symbolic link to
/// another entry. Only the named entries are written out.
/// </summary>
public static class SavedImage
{
    private const int MaxManifestBytes = 1 << 20;

    /// <summary>The layer files of the saved image <paramref name="archive"/>, written into <paramref name="folder"/>.</summary>
    public static async Task<IReadOnlyList<string>> LayersAsync(DockerClient client, string reference, string folder, CancellationToken ct = default)
    {
        var archive = Path.Combine(folder, "image.tar");
        await client.SaveImageAsync(reference, archive, ct);
        try
        {
            return Extract(archive, folder);
        }
        finally
        {
            File.Delete(archive);
        }
    }

    public static IReadOnlyList<string> Extract(string archive, string folder)
    {
        var layers = Manifest(archive);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var stream = File.OpenRead(archive))
        using (var reader = new TarReader(stream))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                var name = TarPaths.Normalise(entry.Name);
                if (!layers.Contains(name))
                {
                    continue;
                }
                if (entry.EntryType == TarEntryType.SymbolicLink)
                {
                    links[name] = TarPaths.Normalise(Path.GetDirectoryName(name) + "/" + entry.LinkName);
                    continue;
                }
                var file = Path.Combine(folder, $"layer-{written.Count}.tar");
                using (var output = File.Create(file))
                {
                    entry.DataStream?.CopyTo(output);
                }
                written[name] = file;
            }
        }
        return layers.Select(l => written.GetValueOrDefault(l) ?? (links.TryGetValue(l, out var target) ? written.GetValueOrDefault(target) : null)
            ?? throw new InvalidDataException($"the saved image names layer '{l}', which its archive does not hold")).ToList();
    }

    private static List<string> Manifest(string archive)
    {
        using var stream = File.OpenRead(archive);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (TarPaths.Normalise(entry.Name) != "manifest.json" || entry.DataStream is null || entry.Length > MaxManifestBytes)
            {
                continue;
            }
            using var doc = JsonDocument.Parse(entry.DataStream);
            var images = doc.RootElement;
            if (images.ValueKind != JsonValueKind.Array || images.GetArrayLength() != 1 || !images[0].TryGetProperty("Layers", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException("the saved image's manifest.json does not describe one image");
            }
            return list.EnumerateArray().Select(l => TarPaths.Normalise(l.GetString() ?? "")).ToList();
        }
        throw new InvalidDataException("the saved image has no manifest.json");
    }
}
