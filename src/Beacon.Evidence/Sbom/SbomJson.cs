using System.Text.Json;

namespace Beacon.Evidence.Sbom;

/// <summary>How both SBOM formats are written: indented UTF-8 JSON, characters kept as they are, a final newline.</summary>
internal static class SbomJson
{
    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            body(w);
        }
        return [.. stream.ToArray(), (byte)'\n'];
    }
}
