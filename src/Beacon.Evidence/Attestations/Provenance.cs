using System.Text.Json;

namespace Beacon.Evidence.Attestations;

/// <summary>A file or image the build consumed, by name or URI and sha256.</summary>
public sealed record ResolvedDependency(string Name, string Sha256, string? Uri = null);

/// <summary>
/// The in-toto statement (v1) with an SLSA provenance v1 predicate for one layer image: the image by digest as its
/// subject; as build definition the layer, and the lock files of the layer and its ancestors (and the root's base image)
/// as resolved dependencies by sha256; as run details the builder (this Beacon) and the repository commit. Written with
/// a fixed key order, so the same build gives the same statement bytes.
/// </summary>
public sealed record Provenance(string SubjectName, string SubjectSha256, string Layer, IReadOnlyList<ResolvedDependency> Dependencies,
    string BuilderId, string? Commit)
{
    public const string PayloadType = "application/vnd.in-toto+json";
    public const string StatementType = "https://in-toto.io/Statement/v1";
    public const string PredicateType = "https://slsa.dev/provenance/v1";
    /// <summary>Beacon's build type: a layer image built from its lock (a URN, as SLSA asks for a URI).</summary>
    public const string BuildType = "urn:beacon-iac:layer-image:v1";

    public byte[] ToJson() => InTotoStatement.Write(SubjectName, SubjectSha256, PredicateType, w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("buildDefinition");
        w.WriteString("buildType", BuildType);
        w.WriteStartObject("externalParameters");
        w.WriteString("layer", Layer);
        w.WriteEndObject();
        w.WriteStartArray("resolvedDependencies");
        foreach (var d in Dependencies)
        {
            w.WriteStartObject();
            if (d.Uri is not null)
            {
                w.WriteString("uri", d.Uri);
            }
            w.WriteString("name", d.Name);
            w.WriteStartObject("digest");
            w.WriteString("sha256", d.Sha256);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("runDetails");
        w.WriteStartObject("builder");
        w.WriteString("id", BuilderId);
        w.WriteEndObject();
        if (Commit is not null)
        {
            w.WriteStartObject("metadata");
            w.WriteString("invocationId", "git:" + Commit);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>The subjects' sha256 digests and the predicate type of a statement; null when it is not an in-toto v1 statement.</summary>
    public static (IReadOnlyList<string> Subjects, string PredicateType)? ReadStatement(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("_type", out var type) || type.ValueKind != JsonValueKind.String
                || type.GetString() != StatementType || !root.TryGetProperty("subject", out var subjects) || subjects.ValueKind != JsonValueKind.Array
                || !root.TryGetProperty("predicateType", out var predicate) || predicate.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            var digests = subjects.EnumerateArray()
                .Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("digest", out var d) && d.ValueKind == JsonValueKind.Object
                            && d.TryGetProperty("sha256", out var h) && h.ValueKind == JsonValueKind.String)
                .Select(s => s.GetProperty("digest").GetProperty("sha256").GetString()!)
                .ToList();
            return (digests, predicate.GetString()!);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
