using System.Security.Cryptography;

namespace Beacon.Oci.Images;

/// <summary>A content descriptor: what a manifest says of a blob (its media type, sha256 digest and size).</summary>
public sealed record Descriptor(string MediaType, string Digest, long Size)
{
    public static string DigestOf(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static Descriptor Of(string mediaType, byte[] content) => new(mediaType, DigestOf(content), content.LongLength);
}

public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// <summary>What a manifest GET accepts: both families' manifests and indexes.</summary>
    public static readonly string[] ManifestAccept = [OciManifest, OciIndex, DockerManifest, DockerManifestList];

    /// <summary>Docker's gzip layer and config types name the same bytes as OCI's: an OCI manifest can refer to them so.</summary>
    public static string ToOci(string mediaType) => mediaType switch
    {
        DockerLayerGzip => OciLayerGzip,
        DockerConfig => OciConfig,
        _ => mediaType,
    };
}
