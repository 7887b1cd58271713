using System.Text.RegularExpressions;

namespace Beacon.Layers.Locking;

/// <summary>
/// Asks a registry which digest an image reference names now (<c>sha256:…</c>); throws
/// <see cref="BaseImageUnavailableException"/> when it cannot say. Beacon.Oci's registry client is the real one.
/// </summary>
public delegate Task<string> BaseImageResolver(string reference, CancellationToken cancellationToken);

/// <summary>A base image whose digest could not be learnt (registry unreachable, tag unknown, offline).</summary>
public sealed class BaseImageUnavailableException(string message) : Exception(message);

/// <summary>
/// A root's base image pinned by digest: the layer file names it (usually by tag), the root's lock records the digest
/// the tag named when it was locked (<c># base-image: mambaorg/micromamba:1.5.8@sha256:…</c>), and images are built
/// FROM that pinned reference — so a tag moved upstream changes nothing until <c>beacon lock --update-base</c>.
/// </summary>
public static partial class BaseImagePins
{
    /// <summary>The <c>sha256:…</c> a reference is pinned to, or null.</summary>
    public static string? DigestOf(string reference) => Pinned().Match(reference) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The reference without its digest (<c>name[:tag]</c>).</summary>
    public static string NameOf(string reference) => Pinned().Match(reference) is { Success: true } m ? reference[..m.Index] : reference;

    public static string Pin(string reference, string digest) => $"{NameOf(reference)}@{digest}";

    /// <summary>Whether a lock's recorded pin belongs to the layer's <c>base-image:</c> (same name and tag; same digest when the layer gives one).</summary>
    public static bool Matches(string recorded, string layerBaseImage) =>
        DigestOf(layerBaseImage) is null ? NameOf(recorded) == layerBaseImage : recorded == layerBaseImage;

    /// <summary>"sha256:4757…6019" shortened for messages: the algorithm and 12 hex digits.</summary>
    public static string Short(string digest) => digest.Length > 19 ? digest[..19] : digest;

    [GeneratedRegex("@(sha256:[0-9a-f]{64})$")]
    private static partial Regex Pinned();
}
