using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Oci.References;
using Beacon.Oci.Registry;

namespace Beacon.Docker.Engine;

/// <summary>
/// A planned image as the engine runs it: <see cref="Reference"/> is what to start (a tag for the docker builder,
/// <c>repository@sha256:…</c> for the oci builder), <see cref="Inspect"/> the engine's view (its id is what test
/// evidence is recorded against), <see cref="Manifest"/> the registry's manifest when the image came from there.
/// </summary>
public sealed record LocatedImage(string Reference, ImageInspect Inspect, RegistryManifest? Manifest);

/// <summary>A manifest as the registry holds it: the bytes, their media type and digest.</summary>
public sealed record RegistryManifest(RemoteImage Image, byte[] Json, string MediaType, string Digest);

/// <summary>
/// Finds a plan's image for <c>beacon test</c> and <c>publish</c>, so both run and promote the image the plan names.
/// The docker builder leaves it in the engine under its planned tag. The oci builder pushed it to the registry: its
/// identity tag is resolved to a digest and pulled by that digest, so the image tested is byte for byte the image the
/// Pulumi program deploys.
/// </summary>
public sealed class PlannedImageLocator(DockerClient client, RegistryClient registry, Func<string, RegistryAuth?>? credentials = null)
{
    /// <returns>null when the image is not built (not in the engine, or not in the registry).</returns>
    public Task<LocatedImage?> LocateAsync(Plan plan, PlannedImage image, CancellationToken cancellationToken = default) =>
        LocateAsync(plan, image, null, cancellationToken);

    /// <param name="updates">Where a pull's bytes are reported (per image layer), if anywhere.</param>
    public async Task<LocatedImage?> LocateAsync(Plan plan, PlannedImage image, IProgress<Conda.ProgressUpdate>? updates, CancellationToken cancellationToken = default)
    {
        if (plan.Builder == ImageBuilderKind.Docker)
        {
            var local = await client.InspectImageAsync(image.Reference.ToString(), cancellationToken);
            return local is null ? null : new LocatedImage(image.Reference.ToString(), local, null);
        }
        var remote = RemoteImage.Of(image.Reference);
        if (!await registry.ManifestExistsAsync(remote, cancellationToken))
        {
            return null;
        }
        var (json, mediaType, digest) = await registry.GetManifestAsync(remote, cancellationToken);
        var pinned = $"{remote.Host}/{remote.Repository}@{digest}";
        var inspect = await client.InspectImageAsync(pinned, cancellationToken);
        if (inspect is null)
        {
            await client.PullAsync(pinned, credentials?.Invoke(remote.Host), EngineTransfers.Report(updates, image.Layer, "pull"), cancellationToken);
            inspect = await client.InspectImageAsync(pinned, cancellationToken)
                ?? throw new DockerApiException(404, $"{pinned} was pulled but the engine does not know it");
        }
        return new LocatedImage(pinned, inspect, new RegistryManifest(remote, json, mediaType, digest));
    }
}
