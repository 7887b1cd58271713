using Beacon.Layers.Locking;
using Beacon.Oci.References;

namespace Beacon.Oci.Registry;

/// <summary>The registry's answer to the Locker's question: which digest does a root's base-image tag name now?</summary>
public static class BaseImageDigests
{
    public static BaseImageResolver From(RegistryClient registry) => async (reference, cancellationToken) =>
    {
        try
        {
            return await registry.ResolveDigestAsync(RemoteImage.Parse(reference), cancellationToken);
        }
        catch (Exception e) when (e is RegistryException or HttpRequestException or IOException or FormatException)
        {
            throw new BaseImageUnavailableException(e.Message);
        }
    };
}
