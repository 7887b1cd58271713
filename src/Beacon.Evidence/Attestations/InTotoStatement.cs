using System.Text.Json;

namespace Beacon.Evidence.Attestations;

/// <summary>An in-toto statement (v1) about one image: its subject by digest, and a predicate (an SBOM as JSON bytes, as cosign attests them, or written in place: the SLSA provenance).</summary>
public static class InTotoStatement
{
    public static byte[] Wrap(string subjectName, string subjectSha256, string predicateType, byte[] predicateJson) =>
        Write(subjectName, subjectSha256, predicateType, w =>
        {
            using var predicate = JsonDocument.Parse(predicateJson);
            predicate.RootElement.WriteTo(w);
        });

    /// <summary>The statement with its predicate written by <paramref name="predicate"/> (one JSON value).</summary>
    public static byte[] Write(string subjectName, string subjectSha256, string predicateType, Action<Utf8JsonWriter> predicate)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("_type", Provenance.StatementType);
            w.WriteStartArray("subject");
            w.WriteStartObject();
            w.WriteString("name", subjectName);
            w.WriteStartObject("digest");
            w.WriteString("sha256", subjectSha256);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("predicateType", predicateType);
            w.WritePropertyName("predicate");
            predicate(w);
            w.WriteEndObject();
        }
        return stream.ToArray();
    }
}
