using System.Security.Cryptography;
using Beacon.Evidence.Signing;
using Beacon.Oci.Images;
using Beacon.Oci.Registry;

namespace Beacon.Evidence.Attestations;

/// <summary>What checking an image's attestation found: fine, or the one reason it is not.</summary>
public sealed record AttestationCheck(bool Verified, string Message, Provenance? Statement = null);

/// <summary>
/// Attestations next to their image in its registry, by the tag scheme cosign and oras fall back to where a registry
/// has no referrers API (Debian's registry 2.8 has none): <c>&lt;repository&gt;:sha256-&lt;hex&gt;.att</c> is an OCI
/// manifest whose config is the empty descriptor and whose one layer is the DSSE envelope. Reading checks everything:
/// the envelope verifies with the given public key, its payload is an in-toto statement, and a subject is the image's
/// own digest (so an attestation copied from another image fails).
/// </summary>
public static class AttestationStore
{
    public const string EmptyMediaType = "application/vnd.oci.empty.v1+json";
    private static readonly byte[] Empty = "{}"u8.ToArray();

    public static string TagFor(string digest) => digest.Replace(':', '-') + ".att";

    /// <summary>Pushes the envelope for the image <paramref name="digest"/>; returns the attestation's reference.</summary>
    public static async Task<Oci.References.RemoteImage> PushAsync(RegistryClient client, Oci.References.RemoteImage image, string digest,
        DsseEnvelope envelope, CancellationToken ct = default)
    {
        var repository = image with { Tag = null, Digest = null };
        var json = envelope.ToJson();
        var config = Descriptor.Of(EmptyMediaType, Empty);
        var layer = Descriptor.Of(DsseEnvelope.MediaType, json);
        await client.PushBlobAsync(repository, config.Digest, Empty, ct: ct);
        await client.PushBlobAsync(repository, layer.Digest, json, ct: ct);
        var manifest = new ImageManifest(config, [layer], new Dictionary<string, string>
        {
            ["dev.sigstore.cosign/predicateType"] = Provenance.PredicateType,
            ["org.opencontainers.image.ref.name"] = digest,
        });
        var target = repository with { Tag = TagFor(digest) };
        await client.PutManifestAsync(target, manifest.ToJson(), MediaTypes.OciManifest, ct);
        return target;
    }

    /// <summary>Finds the image's attestation and checks it against <paramref name="publicKey"/>.</summary>
    public static async Task<AttestationCheck> CheckAsync(RegistryClient client, Oci.References.RemoteImage image, ECDsa publicKey, CancellationToken ct = default)
    {
        var digest = image.Digest ?? await client.ResolveDigestAsync(image, ct);
        var repository = image with { Tag = null, Digest = null };
        var target = repository with { Tag = TagFor(digest) };
        if (!await client.ManifestExistsAsync(target, ct))
        {
            return new AttestationCheck(false, $"{repository} has no attestation for {digest} (no tag {TagFor(digest)})");
        }
        var (manifestJson, _, _) = await client.GetManifestAsync(target, ct);
        var manifest = ImageManifest.Parse(manifestJson);
        var layer = manifest.Layers.FirstOrDefault(l => l.MediaType == DsseEnvelope.MediaType);
        if (layer is null || layer.Size > DsseEnvelope.MaxBytes)
        {
            return new AttestationCheck(false, $"{target} holds no DSSE envelope");
        }
        var envelope = DsseEnvelope.Parse(await client.GetBlobAsync(repository, layer.Digest, ct));
        if (envelope is null)
        {
            return new AttestationCheck(false, $"{target} holds a layer that is not a DSSE envelope");
        }
        if (!envelope.IsSignedBy(publicKey))
        {
            return new AttestationCheck(false, $"the attestation of {digest} is not signed by the given key (tampered, or signed by another key)");
        }
        if (envelope.PayloadType != Provenance.PayloadType || Provenance.ReadStatement(envelope.Payload) is not { } statement)
        {
            return new AttestationCheck(false, $"the attestation of {digest} is signed but is not an in-toto statement");
        }
        var hex = digest["sha256:".Length..];
        if (!statement.Subjects.Contains(hex, StringComparer.Ordinal))
        {
            return new AttestationCheck(false, $"the attestation is signed but names another image ({string.Join(", ", statement.Subjects.Select(s => "sha256:" + s))}), not {digest}");
        }
        return new AttestationCheck(true, $"{repository}@{digest}: {statement.PredicateType} attestation verified");
    }
}
