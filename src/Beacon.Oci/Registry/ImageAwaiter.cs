using Beacon.Oci.References;

namespace Beacon.Oci.Registry;

/// <summary>Waits until a registry holds some images (another job is building them): the in-cluster builds' ordering.</summary>
public static class ImageAwaiter
{
    /// <summary>Polls until every image's manifest exists or the time is up; the images still missing (none: all there).</summary>
    public static async Task<IReadOnlyList<RemoteImage>> WaitAsync(RegistryClient registry, IReadOnlyList<RemoteImage> images, TimeSpan timeout, TimeSpan interval,
        CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var missing = images.ToList();
        while (true)
        {
            var still = new List<RemoteImage>();
            foreach (var image in missing)
            {
                if (!await registry.ManifestExistsAsync(image, cancellationToken))
                {
                    still.Add(image);
                }
            }
            missing = still;
            if (missing.Count == 0 || DateTime.UtcNow >= deadline)
            {
                return missing;
            }
            var wait = deadline - DateTime.UtcNow;
            await Task.Delay(wait < interval ? wait : interval, cancellationToken);
        }
    }
}
