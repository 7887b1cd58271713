using Beacon.Evidence.Attestations;
using Beacon.Evidence.Signing;
using Beacon.Oci.References;
using Beacon.Oci.Registry;

namespace Beacon.Evidence.Sbom;

/// <summary>
/// Both SBOMs of a proven image, each as an in-toto statement (cosign's predicate types for CycloneDX and SPDX) signed
/// as a DSSE envelope, pushed beside the image as <c>sha256-&lt;hex&gt;.sbom</c>; <c>beacon verify --key</c> checks them.
/// </summary>
public static class SbomAttachment
{
    public static Task<AttestationPush> AttachAsync(RegistryClient client, RemoteImage image, SbomSubject subject, SigningKey key, CancellationToken ct = default)
    {
        var name = subject.Repository;
        var sha = subject.Digest["sha256:".Length..];
        (DsseEnvelope, string) Signed(string predicateType, byte[] document) =>
            (DsseEnvelope.Sign(Provenance.PayloadType, InTotoStatement.Wrap(name, sha, predicateType, document), key), predicateType);
        return AttestationStore.PushAsync(client, image, subject.Digest, AttestationStore.Sbom,
            [Signed(CycloneDx.PredicateType, CycloneDx.Write(subject)), Signed(Spdx.PredicateType, Spdx.Write(subject))], ct);
    }
}
