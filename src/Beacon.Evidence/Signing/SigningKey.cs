using System.Security.Cryptography;

namespace Beacon.Evidence.Signing;

/// <summary>A key could not be used: the message says which and why (never the key's bytes).</summary>
public sealed class SigningKeyException(string message) : Exception(message);

/// <summary>
/// An ECDSA P-256 key (cosign's default) read from PEM — a PKCS#8 or SEC1 private key to sign, a SubjectPublicKeyInfo
/// public key to verify — from a file or from an environment variable holding the PEM text, never from the repository.
/// The key id is the sha256 of the public key's SubjectPublicKeyInfo, so a verifier can tell which key signed.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private const long MaxPemBytes = 64 << 10;
    private readonly ECDsa _key;

    private SigningKey(ECDsa key)
    {
        _key = key;
        KeyId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }

    public string KeyId { get; }

    /// <summary>The public half, PEM (what <c>beacon verify-attestation --key</c> and openssl take).</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    public byte[] Sign(byte[] data) => _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public static SigningKey FromFile(string path) => FromPem(ReadPem(path), $"'{path}'", requirePrivate: true);

    /// <summary>The private key PEM held by an environment variable (a CI secret).</summary>
    public static SigningKey FromEnvironment(string variable, Func<string, string?> environment) =>
        environment(variable) is { Length: > 0 } pem
            ? FromPem(pem, $"${variable}", requirePrivate: true)
            : throw new SigningKeyException($"the environment variable {variable} is not set (it should hold the private key, PEM)");

    /// <summary>A public key (PEM) from a file, to verify with.</summary>
    public static ECDsa PublicKeyFromFile(string path)
    {
        var pem = ReadPem(path);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new SigningKeyException($"'{path}' holds no PEM public key Beacon can read ({e.Message})");
        }
        CheckCurve(key, $"'{path}'");
        return key;
    }

    private static SigningKey FromPem(string pem, string what, bool requirePrivate)
    {
        if (pem.Contains("ENCRYPTED", StringComparison.Ordinal))
        {
            throw new SigningKeyException($"{what} holds an encrypted private key; give Beacon an unencrypted PKCS#8 key through a secret (file or environment variable)");
        }
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            CheckCurve(key, what);
            if (requirePrivate)
            {
                key.ExportParameters(includePrivateParameters: true);
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new SigningKeyException($"{what} holds no ECDSA P-256 private key Beacon can read (PEM, PKCS#8 or SEC1)");
        }
        return new SigningKey(key);
    }

    private static void CheckCurve(ECDsa key, string what)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        if (curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value && curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256"))
        {
            key.Dispose();
            throw new SigningKeyException($"{what} is not a P-256 key (cosign's and Beacon's key type)");
        }
    }

    private static string ReadPem(string path)
    {
        try
        {
            return System.Text.Encoding.ASCII.GetString(Conda.SafeFile.ReadAllBytes(path, MaxPemBytes));
        }
        catch (Exception e) when (e is Conda.SafeFileException or IOException or UnauthorizedAccessException)
        {
            throw new SigningKeyException($"cannot read the key file '{path}': {e.Message}");
        }
    }

    public void Dispose() => _key.Dispose();
}
