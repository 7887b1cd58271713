using System.Text;
using System.Text.Json;

namespace Beacon.Oci.Images;

/// <summary>An image manifest: its config and its layers, bottom first. Written as OCI, read from OCI or Docker v2.</summary>
public sealed record ImageManifest(Descriptor Config, IReadOnlyList<Descriptor> Layers, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>
    /// What an artifact manifest holds (OCI image-spec 1.1: required when the config is the empty descriptor, as an
    /// attestation's is); null for an image.
    /// </summary>
    public string? ArtifactType { get; init; }

    /// <summary>
    /// The manifest this one is about (OCI 1.1 <c>subject</c>): a registry with the referrers API lists this manifest
    /// under the subject's digest; one without keeps the field and ignores it.
    /// </summary>
    public Descriptor? Subject { get; init; }

    /// <summary>The manifest as Beacon pushes it: OCI media types, fixed key order, no whitespace — the same bytes for the same image.</summary>
    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", MediaTypes.OciManifest);
            if (ArtifactType is not null)
            {
                w.WriteString("artifactType", ArtifactType);
            }
            w.WritePropertyName("config");
            Write(w, Config with { MediaType = MediaTypes.ToOci(Config.MediaType) });
            w.WriteStartArray("layers");
            foreach (var layer in Layers)
            {
                Write(w, layer with { MediaType = MediaTypes.ToOci(layer.MediaType) });
            }
            w.WriteEndArray();
            if (Subject is not null)
            {
                w.WritePropertyName("subject");
                Write(w, Subject);
            }
            if (Annotations.Count > 0)
            {
                w.WriteStartObject("annotations");
                foreach (var (k, v) in Annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
                {
                    w.WriteString(k, v);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void Write(Utf8JsonWriter w, Descriptor d)
    {
        w.WriteStartObject();
        w.WriteString("mediaType", d.MediaType);
        w.WriteString("digest", d.Digest);
        w.WriteNumber("size", d.Size);
        w.WriteEndObject();
    }

    /// <summary>Reads an OCI or Docker v2 image manifest (not an index: see <see cref="ManifestIndex"/>).</summary>
    public static ImageManifest Parse(byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            var config = Read(root.GetProperty("config"));
            var layers = root.GetProperty("layers").EnumerateArray().Select(Read).ToList();
            var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in a.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                {
                    annotations[p.Name] = p.Value.GetString()!;
                }
            }
            return new ImageManifest(config, layers, annotations)
            {
                ArtifactType = root.TryGetProperty("artifactType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null,
                Subject = root.TryGetProperty("subject", out var subject) && subject.ValueKind == JsonValueKind.Object ? Read(subject) : null,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"not an image manifest: {e.Message}");
        }
    }

    private static Descriptor Read(JsonElement e)
    {
        var digest = e.GetProperty("digest").GetString()!;
        if (!digest.StartsWith("sha256:", StringComparison.Ordinal) || digest.Length != 71 || !digest[7..].All(char.IsAsciiHexDigitLower))
        {
            throw new FormatException($"digest '{digest}' is not sha256:<64 hex>");
        }
        return new Descriptor(e.GetProperty("mediaType").GetString()!, digest, e.GetProperty("size").GetInt64());
    }
}

/// <summary>A multi-platform index: the manifest for one platform (linux/amd64 unless asked otherwise) is picked from it.</summary>
public static class ManifestIndex
{
    public static bool IsIndex(string mediaType, byte[] json) =>
        mediaType is MediaTypes.OciIndex or MediaTypes.DockerManifestList
        || (mediaType.Length == 0 && Encoding.UTF8.GetString(json).Contains("\"manifests\"", StringComparison.Ordinal));

    public static string PickLinuxAmd64(byte[] json) => Pick(json, "linux/amd64");

    /// <param name="platform">os/architecture[/variant], e.g. linux/arm64 or linux/arm/v7.</param>
    public static string Pick(byte[] json, string platform)
    {
        var parts = platform.Split('/');
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        foreach (var m in doc.RootElement.GetProperty("manifests").EnumerateArray())
        {
            if (m.TryGetProperty("platform", out var p) && p.TryGetProperty("os", out var os) && os.GetString() == parts[0]
                && p.TryGetProperty("architecture", out var arch) && arch.GetString() == parts[1]
                && (parts.Length < 3 || (p.TryGetProperty("variant", out var variant) && variant.GetString() == parts[2])))
            {
                return m.GetProperty("digest").GetString()!;
            }
        }
        throw new FormatException($"the image index has no {platform} manifest");
    }
}
