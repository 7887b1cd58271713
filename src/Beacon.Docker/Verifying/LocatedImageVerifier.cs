using Beacon.Conda.Packages;
using Beacon.Docker.Engine;
using Beacon.Evidence.Verification;
using Beacon.Images.Planning;
using Beacon.Oci.Registry;

namespace Beacon.Docker.Verifying;

/// <summary>
/// Proves a plan's image where <see cref="PlannedImageLocator"/> found it (<see cref="ImageVerifier"/>): the oci
/// builder's image from its registry by digest, the docker builder's image from the engine, saved by its id — the
/// very image that was tested and is about to be published.
/// </summary>
public sealed class LocatedImageVerifier(DockerClient client, RegistryClient registry, ImageVerifier verifier, PackageCache cache)
{
    public async Task<ImageVerification> VerifyAsync(PlannedImage image, LocatedImage located, CancellationToken ct = default)
    {
        if (located.Manifest is { } manifest)
        {
            return await verifier.VerifyAsync(registry, manifest.Image with { Tag = null, Digest = manifest.Digest }, image.OciPlatform, image.Layer, null, ct);
        }
        var folder = cache.Scratch.NewFolder("saved");
        try
        {
            var layers = await SavedImage.LayersAsync(client, located.Inspect.Id, folder, ct);
            return await verifier.VerifyAsync(image.Layer, located.Reference, null, layers, null, ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
