using System.Security.Cryptography;
using System.Text;
using Beacon.Layers.Locking;

namespace Beacon.Images.Building;

/// <summary>
/// The tag of an image the OCI builder makes: a hash of the builder's version, the environment prefix, the parent's
/// tag (or, for the root, its base image reference) and the lock. It names the content before it is built, so the
/// plan, <c>beacon build --builder oci</c>, <c>test</c>, <c>publish</c> and the Pulumi program all agree on it, and a
/// rebuild of an unchanged tree finds its images already in the registry.
/// </summary>
public static class OciIdentity
{
    /// <summary>Changes whenever the layer bytes the builder writes for one lock would change.</summary>
    public const string BuilderVersion = "beacon-oci-1";

    public static string Tag(string parentTagOrBaseImage, string prefix, string lockText)
    {
        var text = $"{BuilderVersion}\n{prefix}\n{parentTagOrBaseImage}\n{LayerLock.Sha256Of(lockText)}\n";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..20];
    }
}
