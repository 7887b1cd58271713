using System.Text;
using System.Text.Json;
using Beacon.Evidence.Attestations;
using Beacon.Evidence.Signing;
using Beacon.Integration.Tests.Docker;
using Beacon.Oci.Images;
using Beacon.Oci.References;
using Beacon.Oci.Registry;
using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Evidence;

/// <summary>
/// Signed provenance next to an image in the real registry (issue 22 item 3): <c>beacon attest</c> pushes the DSSE
/// envelope as <c>sha256-&lt;digest&gt;.att</c>, which the registry's own tag list shows (asked with curl); openssl
/// verifies the envelope's signature as pulled; <c>beacon verify-attestation</c> passes with the key and fails with
/// another key, on a tampered statement, on a signed statement of another kind under the tag, and on an attestation
/// copied to another image.
/// </summary>
[Collection("docker")]
public sealed class AttestationTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly TempRepo _repo = new("beacon-attest-");
    private readonly string _namespace = "beacon-attest-" + Guid.NewGuid().ToString("N")[..8];

    private ProcessResult Beacon(params string[] args) => ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(2), args);

    private void OpenSsl(params string[] args)
    {
        var r = ProcessRunner.Run("openssl", args, _repo.Root);
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    [SkippableFact]
    public async Task An_attested_image_verifies_with_its_key_only_and_never_after_tampering()
    {
        var engine = docker.Require();
        var image = $"{docker.Registry}/{_namespace}/core";
        await engine.TagAsync(TestServices.BaseImage, image, "1");
        await engine.PushAsync(image, "1", null, null);
        _repo.CopyExample();
        OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "signing.pem");
        OpenSsl("ec", "-in", "signing.pem", "-pubout", "-out", "signing.pub.pem");
        OpenSsl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "other.pem");
        OpenSsl("ec", "-in", "other.pem", "-pubout", "-out", "other.pub.pem");

        var attested = Beacon("attest", image + ":1", "--layer", "core", "--key", "signing.pem");
        Assert.True(attested.ExitCode == 0, attested.Stderr);
        using var http = new HttpClient();
        var client = new RegistryClient(http, RegistryCredentials.FromEnvironment(Environment.GetEnvironmentVariable));
        var reference = RemoteImage.Parse(image + ":1");
        var digest = await client.ResolveDigestAsync(reference);
        var tag = "sha256-" + digest["sha256:".Length..] + ".att";
        // Debian's registry 2.8 has no referrers API: it does not answer the push with OCI-Subject, and Beacon says so.
        Assert.EndsWith($"/{_namespace}/core:{tag} (the registry did not say it lists it in a referrers API: found by its tag)\n", attested.Stdout, StringComparison.Ordinal);
        var referrers = ProcessRunner.Run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", $"http://{docker.Registry}/v2/{_namespace}/core/referrers/{digest}"], _repo.Root);
        Assert.Equal("404", referrers.Stdout);

        // The attestation is an OCI 1.1 artifact about the image, as the registry keeps it (raw bytes, with curl): a
        // registry with the referrers API would list it under the image's digest.
        var raw = ProcessRunner.Run("curl", ["-sf", "-H", "Accept: application/vnd.oci.image.manifest.v1+json", $"http://{docker.Registry}/v2/{_namespace}/core/manifests/{tag}"], _repo.Root);
        Assert.True(raw.ExitCode == 0, raw.Stderr);
        var stored = JsonDocument.Parse(raw.Stdout).RootElement;
        var (imageJson, imageMediaType, _) = await client.GetManifestAsync(reference with { Tag = null, Digest = digest });
        Assert.Equal(DsseEnvelope.MediaType, stored.GetProperty("artifactType").GetString());
        Assert.Equal(AttestationStore.EmptyMediaType, stored.GetProperty("config").GetProperty("mediaType").GetString());
        Assert.Equal((imageMediaType, digest, (long)imageJson.Length),
            (stored.GetProperty("subject").GetProperty("mediaType").GetString(), stored.GetProperty("subject").GetProperty("digest").GetString(), stored.GetProperty("subject").GetProperty("size").GetInt64()));

        // An independent client: the registry's own tag list, with curl.
        var tags = ProcessRunner.Run("curl", ["-sf", $"http://{docker.Registry}/v2/{_namespace}/core/tags/list"], _repo.Root);
        Assert.True(tags.ExitCode == 0, tags.Stderr);
        Assert.Equal(["1", tag], JsonDocument.Parse(tags.Stdout).RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal));

        // An independent verifier: openssl over the pre-authentication encoding of the envelope as pulled.
        var manifest = ImageManifest.Parse((await client.GetManifestAsync(reference with { Tag = tag })).Json);
        var envelope = DsseEnvelope.Parse(await client.GetBlobAsync(reference, manifest.Layers.Single().Digest))!;
        _repo.WriteBytes("pae.bin", DsseEnvelope.PreAuthenticationEncoding(envelope.PayloadType, envelope.Payload));
        _repo.WriteBytes("sig.der", envelope.Signatures.Single().Sig);
        var openssl = ProcessRunner.Run("openssl", ["dgst", "-sha256", "-verify", "signing.pub.pem", "-signature", "sig.der", "pae.bin"], _repo.Root);
        Assert.True(openssl.ExitCode == 0 && openssl.Stdout.Contains("Verified OK", StringComparison.Ordinal), openssl.Stdout + openssl.Stderr);
        Assert.Contains("\"name\":\"layers/core.lock\"", Encoding.UTF8.GetString(envelope.Payload), StringComparison.Ordinal);

        var verified = Beacon("verify-attestation", image + ":1", "--key", "signing.pub.pem");
        Assert.True(verified.ExitCode == 0, verified.Stderr);
        Assert.Contains("attestation verified", verified.Stdout, StringComparison.Ordinal);
        var wrongKey = Beacon("verify-attestation", image + ":1", "--key", "other.pub.pem");
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("is not signed by the given key", wrongKey.Stderr, StringComparison.Ordinal);

        // Tampered: the statement names another lock digest, the signature is the original's.
        var tamperedPayload = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(envelope.Payload).Replace("\"layer\":\"core\"", "\"layer\":\"evil\"", StringComparison.Ordinal));
        await AttestationStore.PushAsync(client, reference, digest, envelope with { Payload = tamperedPayload });
        var tampered = Beacon("verify-attestation", image + ":1", "--key", "signing.pub.pem");
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("is not signed by the given key (tampered, or signed by another key)", tampered.Stderr, StringComparison.Ordinal);

        // Misfiled: a statement validly signed with the right key and naming this image, but of another kind (an SBOM
        // statement put under .att, the provenance put under .sbom), is not the attestation the tag stands for.
        using (var signing = SigningKey.FromFile(_repo.Path_("signing.pem")))
        {
            var sbomStatement = InTotoStatement.Wrap(image, digest["sha256:".Length..], global::Beacon.Evidence.Sbom.CycloneDx.PredicateType, "{\"bomFormat\":\"CycloneDX\"}"u8.ToArray());
            await AttestationStore.PushAsync(client, reference, digest, DsseEnvelope.Sign(Provenance.PayloadType, sbomStatement, signing));
        }
        var misfiled = Beacon("verify-attestation", image + ":1", "--key", "signing.pub.pem");
        Assert.Equal(1, misfiled.ExitCode);
        Assert.Contains($":{tag} holds signed statements of https://cyclonedx.org/bom; a .att tag holds exactly https://slsa.dev/provenance/v1", misfiled.Stderr, StringComparison.Ordinal);
        await AttestationStore.PushAsync(client, reference, digest, AttestationStore.Sbom, [(envelope, Provenance.PredicateType)]);
        using (var publicKey = SigningKey.PublicKeyFromFile(_repo.Path_("signing.pub.pem")))
        {
            var asSbom = await AttestationStore.CheckAsync(client, reference, publicKey, AttestationStore.Sbom);
            Assert.False(asSbom.Verified);
            Assert.EndsWith("holds signed statements of https://slsa.dev/provenance/v1; a .sbom tag holds exactly https://cyclonedx.org/bom, https://spdx.dev/Document (a statement of another kind is not this one)", asSbom.Message, StringComparison.Ordinal);
        }

        // Copied: the genuine envelope attached to another image (a one-layer image pushed here) names the first image.
        var other = reference with { Repository = _namespace + "/other", Tag = "1" };
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        await client.PushBlobAsync(other with { Tag = null }, Descriptor.DigestOf(config), config);
        var otherDigest = (await client.PutManifestAsync(other, new ImageManifest(Descriptor.Of(MediaTypes.OciConfig, config), [], new Dictionary<string, string>()).ToJson(), MediaTypes.OciManifest)).Digest;
        await AttestationStore.PushAsync(client, other, otherDigest, envelope);
        var copied = Beacon("verify-attestation", $"{docker.Registry}/{_namespace}/other:1", "--key", "signing.pub.pem");
        Assert.Equal(1, copied.ExitCode);
        Assert.Contains($"names another image (sha256:{digest["sha256:".Length..]})", copied.Stderr, StringComparison.Ordinal);

        var none = Beacon("verify-attestation", $"{docker.Registry}/{_namespace}/core@{otherDigest}", "--key", "signing.pub.pem");
        Assert.Equal(1, none.ExitCode);
    }

    public void Dispose() => _repo.Dispose();
}
