using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Beacon.Evidence.Signing;

/// <summary>One signature of an envelope: the key's id (may be empty) and the signature bytes (ASN.1 DER for ECDSA).</summary>
public sealed record DsseSignature(string KeyId, byte[] Sig);

/// <summary>
/// A DSSE envelope (secure-systems-lab/dsse, v1): the payload and its type, signed over the pre-authentication encoding
/// <c>"DSSEv1" SP len(type) SP type SP len(body) SP body</c> — so a signature can never be moved to another payload
/// type. JSON as the spec writes it: <c>{"payloadType", "payload" (base64), "signatures": [{"keyid", "sig" (base64)}]}</c>.
/// </summary>
public sealed record DsseEnvelope(string PayloadType, byte[] Payload, IReadOnlyList<DsseSignature> Signatures)
{
    public const string MediaType = "application/vnd.dsse.envelope.v1+json";

    /// <summary>The largest envelope read (a provenance statement is a few kB; SBOMs of big layers a few MB).</summary>
    public const int MaxBytes = 16 << 20;

    /// <summary>The bytes a signature covers.</summary>
    public static byte[] PreAuthenticationEncoding(string payloadType, ReadOnlySpan<byte> payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        var head = Encoding.ASCII.GetBytes($"DSSEv1 {type.Length} ");
        var middle = Encoding.ASCII.GetBytes($" {payload.Length} ");
        return [.. head, .. type, .. middle, .. payload];
    }

    public static DsseEnvelope Sign(string payloadType, byte[] payload, SigningKey key) =>
        new(payloadType, payload, [new DsseSignature(key.KeyId, key.Sign(PreAuthenticationEncoding(payloadType, payload)))]);

    /// <summary>Whether some signature of the envelope verifies with <paramref name="publicKey"/>.</summary>
    public bool IsSignedBy(ECDsa publicKey)
    {
        var pae = PreAuthenticationEncoding(PayloadType, Payload);
        return Signatures.Any(s => VerifyDer(publicKey, pae, s.Sig));
    }

    private static bool VerifyDer(ECDsa key, byte[] data, byte[] signature)
    {
        try
        {
            return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("payloadType", PayloadType);
            w.WriteBase64String("payload", Payload);
            w.WriteStartArray("signatures");
            foreach (var s in Signatures)
            {
                w.WriteStartObject();
                w.WriteString("keyid", s.KeyId);
                w.WriteBase64String("sig", s.Sig);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>Reads an envelope; null when the bytes are not one (bounded size and depth, every field checked).</summary>
    public static DsseEnvelope? Parse(byte[] json)
    {
        if (json.Length > MaxBytes)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("payloadType", out var type) || type.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("signatures", out var signatures) || signatures.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            var list = new List<DsseSignature>();
            foreach (var s in signatures.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.Object || !s.TryGetProperty("sig", out var sig) || sig.ValueKind != JsonValueKind.String)
                {
                    return null;
                }
                var keyId = s.TryGetProperty("keyid", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : "";
                list.Add(new DsseSignature(keyId, sig.GetBytesFromBase64()));
            }
            return new DsseEnvelope(type.GetString()!, payload.GetBytesFromBase64(), list);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
