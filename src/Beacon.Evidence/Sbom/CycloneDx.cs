using System.Text.Json;
using Beacon.Layers.Policy;

namespace Beacon.Evidence.Sbom;

/// <summary>
/// A CycloneDX 1.6 JSON BOM of one layer image: the image as the metadata component (a container, by digest), one
/// <c>library</c> component per conda package with its purl, version, sha256 and md5, licence (an SPDX expression
/// when the package's licence is one, its name otherwise) and the layer that adds it; each ancestor layer as a
/// container and the root's base image by digest. The dependency graph: each layer depends on the packages it adds
/// and on its parent layer (the root on its base image); each package on the packages its depends name. Keys in a
/// fixed order and no wall-clock time: the same image gives the same bytes.
/// </summary>
public static class CycloneDx
{
    public const string PredicateType = "https://cyclonedx.org/bom";
    public const string MediaType = "application/vnd.cyclonedx+json";

    public static byte[] Write(SbomSubject subject)
    {
        return SbomJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
            w.WriteString("bomFormat", "CycloneDX");
            w.WriteString("specVersion", "1.6");
            w.WriteString("serialNumber", "urn:uuid:" + subject.Uuid("cyclonedx"));
            w.WriteNumber("version", 1);
            w.WriteStartObject("metadata");
            w.WriteString("timestamp", subject.CreatedText);
            w.WriteStartObject("tools");
            w.WriteStartArray("components");
            w.WriteStartObject();
            w.WriteString("type", "application");
            w.WriteString("name", "beacon");
            w.WriteString("version", subject.ToolVersion);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WritePropertyName("component");
            Container(w, subject.Layer, subject.Repository, subject.Digest, subject);
            w.WriteEndObject();

            w.WriteStartArray("components");
            foreach (var layer in subject.Chain.SkipLast(1))
            {
                Container(w, layer, null, null, subject);
            }
            if (subject.BaseImage is { } baseImage)
            {
                var digest = Layers.Locking.BaseImagePins.DigestOf(baseImage)!;
                w.WriteStartObject();
                w.WriteString("type", "container");
                w.WriteString("bom-ref", "base-image");
                w.WriteString("name", Layers.Locking.BaseImagePins.NameOf(baseImage));
                w.WriteString("version", digest);
                Hash(w, digest["sha256:".Length..], null);
                w.WriteEndObject();
            }
            foreach (var (layer, record) in subject.Packages)
            {
                w.WriteStartObject();
                w.WriteString("type", "library");
                w.WriteString("bom-ref", Purls.Conda(record));
                w.WriteString("name", record.Name);
                w.WriteString("version", record.Version.Text);
                Hash(w, record.Sha256, record.Md5);
                if (record.License is { Length: > 0 } licence)
                {
                    w.WriteStartArray("licenses");
                    w.WriteStartObject();
                    if (Licences.IsSpdxExpression(licence))
                    {
                        w.WriteString("expression", licence);
                    }
                    else
                    {
                        w.WriteStartObject("license");
                        w.WriteString("name", licence);
                        w.WriteEndObject();
                    }
                    w.WriteEndObject();
                    w.WriteEndArray();
                }
                w.WriteString("purl", Purls.Conda(record));
                Properties(w, ("beacon:layer", layer.Name), ("conda:url", record.Url), ("conda:build", record.Build), ("conda:subdir", record.Subdir));
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("dependencies");
            for (var i = 0; i < subject.Chain.Count; i++)
            {
                var layer = subject.Chain[i];
                w.WriteStartObject();
                w.WriteString("ref", "layer:" + layer.Name);
                w.WriteStartArray("dependsOn");
                foreach (var p in layer.Packages)
                {
                    w.WriteStringValue(Purls.Conda(p));
                }
                if (i > 0)
                {
                    w.WriteStringValue("layer:" + subject.Chain[i - 1].Name);
                }
                else if (subject.BaseImage is not null)
                {
                    w.WriteStringValue("base-image");
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            foreach (var (_, record) in subject.Packages)
            {
                w.WriteStartObject();
                w.WriteString("ref", Purls.Conda(record));
                w.WriteStartArray("dependsOn");
                foreach (var d in subject.DependenciesOf(record))
                {
                    w.WriteStringValue(Purls.Conda(d));
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void Container(Utf8JsonWriter w, SbomLayer layer, string? repository, string? digest, SbomSubject subject)
    {
        w.WriteStartObject();
        w.WriteString("type", "container");
        w.WriteString("bom-ref", "layer:" + layer.Name);
        w.WriteString("name", repository ?? layer.Name);
        if (digest is not null)
        {
            w.WriteString("version", digest);
            Hash(w, digest["sha256:".Length..], null);
            w.WriteString("purl", Purls.Oci(repository!, digest));
        }
        Properties(w, ("beacon:layer", layer.Name), ("beacon:lock-sha256", layer.LockSha256));
        w.WriteEndObject();
    }

    private static void Hash(Utf8JsonWriter w, string? sha256, string? md5)
    {
        if (sha256 is null && md5 is null)
        {
            return;
        }
        w.WriteStartArray("hashes");
        foreach (var (alg, content) in new[] { ("SHA-256", sha256), ("MD5", md5) })
        {
            if (content is not null)
            {
                w.WriteStartObject();
                w.WriteString("alg", alg);
                w.WriteString("content", content.ToLowerInvariant());
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
    }

    private static void Properties(Utf8JsonWriter w, params (string Name, string Value)[] properties)
    {
        w.WriteStartArray("properties");
        foreach (var (name, value) in properties)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("value", value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
