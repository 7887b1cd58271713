using System.Text.Json;
using Beacon.Conda.Records;
using Beacon.Layers.Locking;
using Beacon.Layers.Policy;

namespace Beacon.Evidence.Sbom;

/// <summary>
/// An SPDX 2.3 JSON document of one layer image: the image (a CONTAINER package, by digest and purl) is what the
/// document DESCRIBES; each layer of the chain CONTAINS the conda packages it adds (LIBRARY packages with purl,
/// download location, sha256 and md5, and the declared licence — the package's own when it is an SPDX expression,
/// else a LicenseRef carrying its text) and DEPENDS_ON its parent layer (the root on its base image by digest); each
/// package DEPENDS_ON the packages its depends name. Files are not analysed (the proof already checked every file).
/// Fixed key order and the creation time from SOURCE_DATE_EPOCH (else the epoch): the same image gives the same bytes.
/// </summary>
public static class Spdx
{
    public const string PredicateType = "https://spdx.dev/Document";
    public const string MediaType = "application/spdx+json";

    public static byte[] Write(SbomSubject subject)
    {
        var ids = new Dictionary<PackageRecord, string>(ReferenceEqualityComparer.Instance);
        var i = 0;
        foreach (var (_, record) in subject.Packages)
        {
            ids[record] = $"SPDXRef-Package-{++i}-{Sanitise(record.Name)}";
        }
        var licenceRefs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        return SbomJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("spdxVersion", "SPDX-2.3");
            w.WriteString("dataLicense", "CC0-1.0");
            w.WriteString("SPDXID", "SPDXRef-DOCUMENT");
            w.WriteString("name", $"{subject.Repository}@{subject.Digest}");
            w.WriteString("documentNamespace", $"https://beacon-iac.dev/spdx/{subject.Layer.Name}-{subject.Uuid("spdx")}");
            w.WriteStartObject("creationInfo");
            w.WriteString("created", subject.CreatedText);
            w.WriteStartArray("creators");
            w.WriteStringValue("Tool: beacon-" + subject.ToolVersion);
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartArray("packages");
            for (var l = subject.Chain.Count - 1; l >= 0; l--)
            {
                var layer = subject.Chain[l];
                var isImage = l == subject.Chain.Count - 1;
                w.WriteStartObject();
                w.WriteString("SPDXID", LayerId(layer));
                w.WriteString("name", isImage ? subject.Repository : layer.Name);
                if (isImage)
                {
                    w.WriteString("versionInfo", subject.Digest);
                }
                w.WriteString("downloadLocation", isImage ? $"{subject.Repository}@{subject.Digest}" : "NOASSERTION");
                w.WriteBoolean("filesAnalyzed", false);
                if (isImage)
                {
                    Checksums(w, subject.Digest["sha256:".Length..], null);
                    ExternalPurl(w, Purls.Oci(subject.Repository, subject.Digest));
                }
                w.WriteString("comment", $"Beacon layer '{layer.Name}', lock sha256 {layer.LockSha256}");
                w.WriteString("primaryPackagePurpose", "CONTAINER");
                w.WriteEndObject();
            }
            if (subject.BaseImage is { } baseImage)
            {
                var digest = BaseImagePins.DigestOf(baseImage)!;
                w.WriteStartObject();
                w.WriteString("SPDXID", "SPDXRef-BaseImage");
                w.WriteString("name", BaseImagePins.NameOf(baseImage));
                w.WriteString("versionInfo", digest);
                w.WriteString("downloadLocation", baseImage);
                w.WriteBoolean("filesAnalyzed", false);
                Checksums(w, digest["sha256:".Length..], null);
                w.WriteString("primaryPackagePurpose", "CONTAINER");
                w.WriteEndObject();
            }
            foreach (var (_, record) in subject.Packages)
            {
                w.WriteStartObject();
                w.WriteString("SPDXID", ids[record]);
                w.WriteString("name", record.Name);
                w.WriteString("versionInfo", record.Version.Text);
                w.WriteString("downloadLocation", record.Url);
                w.WriteBoolean("filesAnalyzed", false);
                Checksums(w, record.Sha256, record.Md5);
                w.WriteString("licenseConcluded", "NOASSERTION");
                w.WriteString("licenseDeclared", Declared(record.License, licenceRefs));
                w.WriteString("copyrightText", "NOASSERTION");
                ExternalPurl(w, Purls.Conda(record));
                w.WriteString("primaryPackagePurpose", "LIBRARY");
                w.WriteEndObject();
            }
            w.WriteEndArray();

            if (licenceRefs.Count > 0)
            {
                w.WriteStartArray("hasExtractedLicensingInfos");
                foreach (var (text, id) in licenceRefs.OrderBy(r => r.Value, StringComparer.Ordinal))
                {
                    w.WriteStartObject();
                    w.WriteString("licenseId", id);
                    w.WriteString("extractedText", text);
                    w.WriteString("name", text);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }

            w.WriteStartArray("relationships");
            Relationship(w, "SPDXRef-DOCUMENT", "DESCRIBES", LayerId(subject.Layer));
            for (var l = subject.Chain.Count - 1; l >= 0; l--)
            {
                var layer = subject.Chain[l];
                foreach (var p in layer.Packages)
                {
                    Relationship(w, LayerId(layer), "CONTAINS", ids[p]);
                }
                if (l > 0)
                {
                    Relationship(w, LayerId(layer), "DEPENDS_ON", LayerId(subject.Chain[l - 1]));
                }
                else if (subject.BaseImage is not null)
                {
                    Relationship(w, LayerId(layer), "DEPENDS_ON", "SPDXRef-BaseImage");
                }
            }
            foreach (var (_, record) in subject.Packages)
            {
                foreach (var d in subject.DependenciesOf(record))
                {
                    Relationship(w, ids[record], "DEPENDS_ON", ids[d]);
                }
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static string LayerId(SbomLayer layer) => "SPDXRef-Layer-" + Sanitise(layer.Name);

    /// <summary>An SPDX id's idstring: letters, digits, '.', '-' (a conda name's '_' becomes '-'; ids stay unique by their number).</summary>
    private static string Sanitise(string name) => new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-')]);

    private static string Declared(string? licence, SortedDictionary<string, string> refs)
    {
        if (licence is not { Length: > 0 })
        {
            return "NOASSERTION";
        }
        // A LicenseRef names text the document must carry itself: the channel's own reference is kept as free text.
        if (Licences.IsSpdxExpression(licence) && !licence.Contains("LicenseRef-", StringComparison.Ordinal) && !licence.Contains("DocumentRef-", StringComparison.Ordinal))
        {
            return licence;
        }
        if (!refs.TryGetValue(licence, out var id))
        {
            id = $"LicenseRef-conda-{refs.Count + 1}";
            refs[licence] = id;
        }
        return id;
    }

    private static void Checksums(Utf8JsonWriter w, string? sha256, string? md5)
    {
        w.WriteStartArray("checksums");
        foreach (var (algorithm, value) in new[] { ("SHA256", sha256), ("MD5", md5) })
        {
            if (value is not null)
            {
                w.WriteStartObject();
                w.WriteString("algorithm", algorithm);
                w.WriteString("checksumValue", value.ToLowerInvariant());
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
    }

    private static void ExternalPurl(Utf8JsonWriter w, string purl)
    {
        w.WriteStartArray("externalRefs");
        w.WriteStartObject();
        w.WriteString("referenceCategory", "PACKAGE-MANAGER");
        w.WriteString("referenceType", "purl");
        w.WriteString("referenceLocator", purl);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Relationship(Utf8JsonWriter w, string from, string type, string to)
    {
        w.WriteStartObject();
        w.WriteString("spdxElementId", from);
        w.WriteString("relationshipType", type);
        w.WriteString("relatedSpdxElement", to);
        w.WriteEndObject();
    }
}
