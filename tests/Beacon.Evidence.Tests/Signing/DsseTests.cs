using System.Security.Cryptography;
using System.Text;
using Beacon.Evidence.Signing;
using Beacon.TestSupport;

namespace Beacon.Evidence.Tests.Signing;

/// <summary>
/// DSSE envelopes signed with ECDSA P-256, checked by Beacon and by an independent tool: Debian's openssl verifies the
/// signature over the pre-authentication encoding with the public key, with keys openssl itself generated (SEC1 and
/// PKCS#8). A tampered payload, a changed payload type or another key fails both.
/// </summary>
public sealed class DsseTests : IDisposable
{
    private readonly TempRepo _dir = new("beacon-dsse-");

    private string OpenSsl(params string[] args)
    {
        var r = ProcessRunner.Run("openssl", args, _dir.Root);
        Assert.True(r.ExitCode == 0, $"openssl {string.Join(' ', args)}: {r.Stderr}");
        return r.Stdout;
    }

    /// <summary>openssl's verdict on a signature: true only for "Verified OK" with exit 0.</summary>
    private bool OpenSslVerifies(string publicPem, byte[] data, byte[] signature)
    {
        _dir.Write("check.pub.pem", publicPem);
        _dir.WriteBytes("check.data", data);
        _dir.WriteBytes("check.sig", signature);
        var r = ProcessRunner.Run("openssl", ["dgst", "-sha256", "-verify", "check.pub.pem", "-signature", "check.sig", "check.data"], _dir.Root);
        Assert.True(r.ExitCode == 0 == r.Stdout.Contains("Verified OK", StringComparison.Ordinal), r.Stdout + r.Stderr);
        return r.ExitCode == 0;
    }

    [Theory]
    [InlineData("sec1")]
    [InlineData("pkcs8")]
    public void A_signature_with_an_openssl_key_is_verified_by_openssl_and_tampering_fails(string format)
    {
        if (format == "sec1")
        {
            OpenSsl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem");
        }
        else
        {
            OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem");
        }
        OpenSsl("ec", "-in", "key.pem", "-pubout", "-out", "pub.pem");
        using var key = SigningKey.FromFile(_dir.Path_("key.pem"));
        var payload = Encoding.UTF8.GetBytes("{\"_type\":\"https://in-toto.io/Statement/v1\"}");
        var envelope = DsseEnvelope.Sign("application/vnd.in-toto+json", payload, key);
        var publicPem = File.ReadAllText(_dir.Path_("pub.pem"));
        var signature = envelope.Signatures.Single().Sig;

        Assert.True(OpenSslVerifies(publicPem, DsseEnvelope.PreAuthenticationEncoding(envelope.PayloadType, payload), signature));
        // The exact bytes signed: "DSSEv1 <len> <type> <len> <body>".
        Assert.Equal("DSSEv1 28 application/vnd.in-toto+json 43 " + Encoding.UTF8.GetString(payload),
            Encoding.UTF8.GetString(DsseEnvelope.PreAuthenticationEncoding(envelope.PayloadType, payload)));

        var tampered = (byte[])payload.Clone();
        tampered[^2] ^= 1;
        Assert.False(OpenSslVerifies(publicPem, DsseEnvelope.PreAuthenticationEncoding(envelope.PayloadType, tampered), signature));
        Assert.False(OpenSslVerifies(publicPem, DsseEnvelope.PreAuthenticationEncoding("text/plain", payload), signature));

        using var publicKey = SigningKey.PublicKeyFromFile(_dir.Path_("pub.pem"));
        Assert.True(envelope.IsSignedBy(publicKey));
        Assert.False((envelope with { Payload = tampered }).IsSignedBy(publicKey));
        Assert.False((envelope with { PayloadType = "text/plain" }).IsSignedBy(publicKey));

        OpenSsl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "other.pem");
        OpenSsl("ec", "-in", "other.pem", "-pubout", "-out", "other.pub.pem");
        Assert.False(OpenSslVerifies(File.ReadAllText(_dir.Path_("other.pub.pem")), DsseEnvelope.PreAuthenticationEncoding(envelope.PayloadType, payload), signature));
        using var otherKey = SigningKey.PublicKeyFromFile(_dir.Path_("other.pub.pem"));
        Assert.False(envelope.IsSignedBy(otherKey));
    }

    [Fact]
    public void The_envelope_reads_back_as_written_and_garbage_is_no_envelope()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _dir.Write("key.pem", ec.ExportPkcs8PrivateKeyPem());
        using var key = SigningKey.FromFile(_dir.Path_("key.pem"));
        var envelope = DsseEnvelope.Sign("application/vnd.in-toto+json", [1, 2, 3], key);
        var read = DsseEnvelope.Parse(envelope.ToJson())!;
        Assert.Equal(envelope.PayloadType, read.PayloadType);
        Assert.Equal(envelope.Payload, read.Payload);
        Assert.Equal(key.KeyId, read.Signatures.Single().KeyId);
        Assert.Equal(envelope.Signatures.Single().Sig, read.Signatures.Single().Sig);
        Assert.Null(DsseEnvelope.Parse("[]"u8.ToArray()));
        Assert.Null(DsseEnvelope.Parse("{\"payloadType\":\"x\",\"payload\":\"not base64!\",\"signatures\":[]}"u8.ToArray()));
        Assert.Null(DsseEnvelope.Parse(Encoding.ASCII.GetBytes(new string('[', 50) + new string(']', 50))));
    }

    [Fact]
    public void Keys_that_are_not_unencrypted_p256_private_keys_are_refused_by_name()
    {
        OpenSsl("ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "p384.pem");
        OpenSsl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
        OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-128-cbc", "-pass", "pass:secret-test-only", "-out", "encrypted.pem");
        OpenSsl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem");
        OpenSsl("ec", "-in", "key.pem", "-pubout", "-out", "pub.pem");
        Assert.Contains("is not a P-256 key", Assert.Throws<SigningKeyException>(() => SigningKey.FromFile(_dir.Path_("p384.pem"))).Message, StringComparison.Ordinal);
        Assert.Contains("no ECDSA P-256 private key", Assert.Throws<SigningKeyException>(() => SigningKey.FromFile(_dir.Path_("rsa.pem"))).Message, StringComparison.Ordinal);
        Assert.Contains("encrypted private key", Assert.Throws<SigningKeyException>(() => SigningKey.FromFile(_dir.Path_("encrypted.pem"))).Message, StringComparison.Ordinal);
        Assert.Contains("no ECDSA P-256 private key", Assert.Throws<SigningKeyException>(() => SigningKey.FromFile(_dir.Path_("pub.pem"))).Message, StringComparison.Ordinal);
        Assert.Contains("BEACON_KEY is not set", Assert.Throws<SigningKeyException>(() => SigningKey.FromEnvironment("BEACON_KEY", _ => null)).Message, StringComparison.Ordinal);
        using var fromEnvironment = SigningKey.FromEnvironment("BEACON_KEY", _ => File.ReadAllText(_dir.Path_("key.pem")));
        Assert.StartsWith("sha256:", fromEnvironment.KeyId, StringComparison.Ordinal);
        // The key's bytes never appear in a message.
        var message = Assert.Throws<SigningKeyException>(() => SigningKey.FromEnvironment("BEACON_KEY", _ => "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n")).Message;
        Assert.DoesNotContain("not-a-key", message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
