using System.Reflection;
using System.Security.Cryptography;
using Beacon.Layers.Git;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;

namespace Beacon.Evidence.Attestations;

/// <summary>
/// The provenance of one layer's image, from the repository: the lock files of the layer and each ancestor (root
/// first) by sha256, the root's base image by digest when its lock pins one, this Beacon as the builder, and the
/// repository's HEAD commit (none outside git).
/// </summary>
public static class LayerProvenance
{
    public static string BuilderId =>
        "urn:beacon-iac:beacon:" + (typeof(LayerProvenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");

    public static Provenance For(Workspace workspace, string layer, Oci.References.RemoteImage image, string digest)
    {
        var chain = new List<string>();
        for (var name = layer; name is not null; name = workspace.Tree.Parent(name)?.Name)
        {
            chain.Insert(0, name);
        }
        var dependencies = new List<ResolvedDependency>();
        foreach (var name in chain)
        {
            var path = LockStore.RelativePath(name);
            var bytes = Conda.SafeFile.ReadAllBytes(workspace.FullPath(path), LockStore.MaxBytes);
            dependencies.Add(new ResolvedDependency(path, Convert.ToHexStringLower(SHA256.HashData(bytes))));
            // The root's base-image pin, from the bytes just hashed (the lock is not read a second time).
            if (name == chain[0] && Conda.Locks.ExplicitLock.Parse(System.Text.Encoding.UTF8.GetString(bytes)) is { Success: true } parsed
                && new LayerLock(parsed.Value).BaseImage is { } pinned && BaseImagePins.DigestOf(pinned) is { } baseDigest)
            {
                dependencies.Add(new ResolvedDependency("base-image", baseDigest["sha256:".Length..], "oci://" + pinned));
            }
        }
        string? commit;
        try
        {
            commit = GitCli.RunText(workspace.Root, "rev-parse", "HEAD").Trim();
        }
        catch (GitException)
        {
            commit = null;
        }
        return new Provenance((image with { Tag = null, Digest = null }).ToString(), digest["sha256:".Length..], layer, dependencies, BuilderId, commit);
    }
}
