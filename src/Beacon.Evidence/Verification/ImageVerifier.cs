using Beacon.Conda;
using Beacon.Oci.Building;
using Beacon.Oci.Images;
using Beacon.Oci.References;
using Beacon.Oci.Registry;

namespace Beacon.Evidence.Verification;

/// <summary>What <c>beacon verify</c> found for one image: the proof, and the image's digest when it came from a registry.</summary>
public sealed record ImageVerification(string Layer, string Image, string? Digest, ExpectedPrefix Expected, PrefixProofResult Proof)
{
    public bool Proven => Proof.Proven;

    /// <summary>One line for a terminal or a refusal: what was proven, or how many findings (the first few named).</summary>
    public string Summary => Proven
        ? $"verified {Image}: {Proof.Packages} packages, {Proof.Files} files under {Expected.Prefix} are exactly the locks of {string.Join(" → ", Expected.Chain)}"
        : $"{Image} is not the locks of {string.Join(" → ", Expected.Chain)}: {Proof.Findings.Count} finding(s)";
}

/// <summary>
/// <c>beacon verify</c>: reads an image's layers — from its registry by digest, or as files the engine saved — and
/// proves its environment is its layer's locks (<see cref="PrefixProof"/>). The layers are downloaded to the package
/// cache's scratch space (verified against their digests as they arrive) and read as streams; nothing about the image
/// is taken from its labels or config. A verifier keeps what it downloaded until it is disposed: proving a built tree
/// downloads each layer blob once, not once for every image that contains it.
/// </summary>
public sealed class ImageVerifier(LayerPackages packages) : IDisposable
{
    private string? _blobs;

    /// <summary>Where the layers' downloads and the packages' fetches report their bytes (a progress view), if anywhere.</summary>
    public IProgress<ProgressUpdate>? Updates { get; init; }

    // The expectations this verifier derived, by layer: a child proven after its parent installs only its own packages.
    private readonly Dictionary<string, ExpectedPrefix> _derived = new(StringComparer.Ordinal);

    /// <summary>Proves the image the layer files make up (bottom first), as saved from an engine or downloaded.</summary>
    public async Task<ImageVerification> VerifyAsync(string layer, string image, string? digest, IReadOnlyList<string> layerFiles,
        Action<string>? progress = null, CancellationToken ct = default)
    {
        var parent = packages.Workspace.Tree.Parent(layer)?.Name;
        var expected = await ExpectedPrefix.DeriveAsync(packages, layer, progress, ct, Updates, parent is null ? null : _derived.GetValueOrDefault(parent));
        _derived[layer] = expected;
        var prefix = ImagePrefix.Read(layerFiles, expected.Prefix);
        return new ImageVerification(layer, image, digest, expected, PrefixProof.Check(expected, prefix));
    }

    /// <summary>Downloads the image's layers from its registry and proves it.</summary>
    public async Task<ImageVerification> VerifyAsync(RegistryClient registry, RemoteImage image, string platform, string layer,
        Action<string>? progress = null, CancellationToken ct = default)
    {
        var (json, _, digest) = await registry.GetManifestAsync(image, platform, ct);
        var manifest = ImageManifest.Parse(json);
        _blobs ??= packages.Cache.Scratch.NewFolder("image");
        var files = new List<string>();
        foreach (var d in manifest.Layers)
        {
            // A blob is content-addressed and its digest checked as it arrives: one downloaded for an earlier image
            // (from any repository) is the same bytes.
            var file = Path.Combine(_blobs, d.Digest.Replace(':', '-'));
            if (!File.Exists(file))
            {
                progress?.Invoke($"  reading layer {d.Digest} ({d.Size} bytes)");
                await registry.DownloadBlobAsync(image, d.Digest, d.Size, file, Updates, $"{layer}: image layer {d.Digest[7..19]}", ct);
            }
            files.Add(file);
        }
        return await VerifyAsync(layer, image.ToString(), digest, files, progress, ct);
    }

    /// <summary>Removes the downloaded blobs (a killed process leaves them to the next build's scratch sweep).</summary>
    public void Dispose()
    {
        if (_blobs is not null && Directory.Exists(_blobs))
        {
            Directory.Delete(_blobs, recursive: true);
        }
        _blobs = null;
    }
}
