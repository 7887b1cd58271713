using System.Security.Cryptography;
using Beacon.Evidence.Signing;
using Beacon.Oci.Images;
using Beacon.Oci.Registry;

namespace Beacon.Evidence.Attestations;

/// <summary>What checking an image's attestation found: fine, or the one reason it is not.</summary>
public sealed record AttestationCheck(bool Verified, string Message, Provenance? Statement = null);

/// <summary>Where an attestation went: its tag, and whether the registry also lists it in its referrers API (its OCI-Subject answer).</summary>
public sealed record AttestationPush(Oci.References.RemoteImage Target, bool ListedByReferrersApi)
{
    /// <summary>The line a command prints after the push: the tag, and what the registry said of the referrers API.</summary>
    public string Describe() => ListedByReferrersApi
        ? $"{Target} (also listed by the registry's referrers API)"
        : $"{Target} (the registry did not say it lists it in a referrers API: found by its tag)";
}

/// <summary>
/// Attestations next to their image in its registry, by the tag scheme cosign and oras fall back to where a registry
/// has no referrers API (Debian's registry 2.8 has none): <c>&lt;repository&gt;:sha256-&lt;hex&gt;.att</c> is an OCI
/// manifest whose config is the empty descriptor and whose one layer is the DSSE envelope. The manifest is an OCI 1.1
/// artifact (artifactType the DSSE envelope's media type) whose <c>subject</c> is the image's manifest, so a registry
/// with the referrers API (ECR, ACR, Artifact Registry, Harbor, Quay, zot) lists it under the image's digest too;
/// Beacon reads it by its tag, which every registry has. None here has that API, so only the tag is proven in tests
/// (and that the registry kept the subject). Reading checks everything:
/// the envelope verifies with the given public key, its payload is an in-toto statement, and a subject is the image's
/// own digest (so an attestation copied from another image fails).
/// </summary>
public static class AttestationStore
{
    public const string EmptyMediaType = "application/vnd.oci.empty.v1+json";
    private static readonly byte[] Empty = "{}"u8.ToArray();

    /// <summary>The kind of the provenance attestation's tag.</summary>
    public const string Provenance = "att";

    /// <summary>The kind of the SBOM attestations' tag (one envelope per format).</summary>
    public const string Sbom = "sbom";

    public static string TagFor(string digest, string kind = Provenance) => digest.Replace(':', '-') + "." + kind;

    /// <summary>
    /// The predicate types a tag of <paramref name="kind"/> holds, in order — exactly what Beacon writes there. A check
    /// demands them, so a validly signed statement of another kind (an SBOM copied under <c>.att</c>) never reads as
    /// the image's provenance, and an SBOM tag missing one format is incomplete.
    /// </summary>
    public static IReadOnlyList<string> PredicateTypesOf(string kind) => kind switch
    {
        Provenance => [Attestations.Provenance.PredicateType],
        Sbom => [Beacon.Evidence.Sbom.CycloneDx.PredicateType, Beacon.Evidence.Sbom.Spdx.PredicateType],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Beacon writes attestations of kind 'att' and 'sbom' only"),
    };

    /// <summary>Pushes the provenance envelope for the image <paramref name="digest"/>; returns the attestation's reference.</summary>
    public static Task<AttestationPush> PushAsync(RegistryClient client, Oci.References.RemoteImage image, string digest,
        DsseEnvelope envelope, CancellationToken ct = default) =>
        PushAsync(client, image, digest, Provenance, [(envelope, Attestations.Provenance.PredicateType)], ct);

    /// <summary>
    /// Pushes signed statements of one kind for the image <paramref name="digest"/> as one manifest under
    /// <c>sha256-&lt;hex&gt;.&lt;kind&gt;</c>, one DSSE layer each.
    /// </summary>
    public static async Task<AttestationPush> PushAsync(RegistryClient client, Oci.References.RemoteImage image, string digest,
        string kind, IReadOnlyList<(DsseEnvelope Envelope, string PredicateType)> statements, CancellationToken ct = default)
    {
        var repository = image with { Tag = null, Digest = null };
        var subject = await client.DescribeManifestAsync(repository with { Digest = digest }, ct);
        var config = Descriptor.Of(EmptyMediaType, Empty);
        await client.PushBlobAsync(repository, config.Digest, Empty, ct: ct);
        var layers = new List<Descriptor>();
        foreach (var (envelope, predicateType) in statements)
        {
            var json = envelope.ToJson();
            var layer = Descriptor.Of(DsseEnvelope.MediaType, json);
            await client.PushBlobAsync(repository, layer.Digest, json, ct: ct);
            layers.Add(layer);
        }
        var manifest = new ImageManifest(config, layers, new Dictionary<string, string>
        {
            // The predicate types of the layers, in order (cosign's annotation; comma-separated when there are several).
            ["dev.sigstore.cosign/predicateType"] = string.Join(",", statements.Select(s => s.PredicateType)),
            ["org.opencontainers.image.ref.name"] = digest,
        })
        {
            ArtifactType = DsseEnvelope.MediaType,
            Subject = subject,
        };
        var target = repository with { Tag = TagFor(digest, kind) };
        var pushed = await client.PutManifestAsync(target, manifest.ToJson(), MediaTypes.OciManifest, ct);
        return new AttestationPush(target, pushed.ListedUnderSubject == digest);
    }

    /// <summary>Finds the image's attestations of <paramref name="kind"/> and checks each against <paramref name="publicKey"/>.</summary>
    public static Task<AttestationCheck> CheckAsync(RegistryClient client, Oci.References.RemoteImage image, ECDsa publicKey, CancellationToken ct = default) =>
        CheckAsync(client, image, publicKey, Provenance, ct);

    public static async Task<AttestationCheck> CheckAsync(RegistryClient client, Oci.References.RemoteImage image, ECDsa publicKey, string kind, CancellationToken ct = default)
    {
        var expected = PredicateTypesOf(kind);
        var digest = image.Digest ?? await client.ResolveDigestAsync(image, ct);
        var repository = image with { Tag = null, Digest = null };
        var target = repository with { Tag = TagFor(digest, kind) };
        if (!await client.ManifestExistsAsync(target, ct))
        {
            return new AttestationCheck(false, $"{repository} has no attestation for {digest} (no tag {TagFor(digest, kind)})");
        }
        var (manifestJson, _, _) = await client.GetManifestAsync(target, ct);
        var manifest = ImageManifest.Parse(manifestJson);
        var layers = manifest.Layers.Where(l => l.MediaType == DsseEnvelope.MediaType).ToList();
        if (layers.Count == 0 || layers.Any(l => l.Size > DsseEnvelope.MaxBytes))
        {
            return new AttestationCheck(false, $"{target} holds no DSSE envelope");
        }
        var types = new List<string>();
        foreach (var layer in layers)
        {
            var envelope = DsseEnvelope.Parse(await client.GetBlobAsync(repository, layer.Digest, ct));
            if (envelope is null)
            {
                return new AttestationCheck(false, $"{target} holds a layer that is not a DSSE envelope");
            }
            if (!envelope.IsSignedBy(publicKey))
            {
                return new AttestationCheck(false, $"the attestation of {digest} is not signed by the given key (tampered, or signed by another key)");
            }
            if (envelope.PayloadType != Attestations.Provenance.PayloadType || Attestations.Provenance.ReadStatement(envelope.Payload) is not { } statement)
            {
                return new AttestationCheck(false, $"the attestation of {digest} is signed but is not an in-toto statement");
            }
            var hex = digest["sha256:".Length..];
            if (!statement.Subjects.Contains(hex, StringComparer.Ordinal))
            {
                return new AttestationCheck(false, $"the attestation is signed but names another image ({string.Join(", ", statement.Subjects.Select(s => "sha256:" + s))}), not {digest}");
            }
            types.Add(statement.PredicateType);
        }
        if (!types.SequenceEqual(expected, StringComparer.Ordinal))
        {
            return new AttestationCheck(false, $"{target} holds signed statements of {string.Join(", ", types)}; a .{kind} tag holds exactly {string.Join(", ", expected)} (a statement of another kind is not this one)");
        }
        return new AttestationCheck(true, $"{repository}@{digest}: {string.Join(", ", types)} attestation{(types.Count > 1 ? "s" : "")} verified");
    }
}
