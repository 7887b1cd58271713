using Beacon.Conda;
using Beacon.Conda.Packages;
using Beacon.Conda.Records;
using Beacon.Images.Building;
using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Layers.Locking;
using Beacon.Oci.Images;
using Beacon.Oci.Layers;
using Beacon.Oci.References;
using Beacon.Oci.Registry;

namespace Beacon.Oci.Building;

/// <summary>One image of a build: where it is, by digest, and what it cost to put there.</summary>
public sealed record OciBuiltImage(string Layer, RemoteImage Image, string ManifestDigest, bool Reused, int Layers,
    IReadOnlyList<BlobPush> Pushes, InstallReport? Install)
{
    /// <summary>Bytes sent to the registry for this image (blobs that existed or were mounted cost nothing).</summary>
    public long BytesUploaded => Pushes.Sum(p => p.BytesSent);

    /// <summary>The reference by digest, as a deployment should pull it.</summary>
    public string Pinned => $"{Image.Host}/{Image.Repository}@{ManifestDigest}";
}

/// <summary>
/// Builds a stack's images without a Docker daemon (<c>beacon build --builder oci</c>): for each layer in build order,
/// the packages its lock adds to its parent's are fetched from their channels and verified
/// (<see cref="PackageCache"/>), installed into the prefix as conda links them (<see cref="PackageInstaller"/>), and
/// archived as one reproducible layer (<see cref="LayerArchive"/>) on top of the parent image's layers, which are
/// referred to by digest and mounted, never uploaded again. An image whose identity tag the registry already holds is
/// reused: nothing is installed or sent. The identity is the plan's tag (<see cref="OciIdentity"/>: the builder's
/// version, the prefix, the parent's identity or the root's base image reference, the lock), so a rebuild of an
/// unchanged tree pushes nothing, and two builds of one lock give the same layer and manifest digests. The images go
/// where the plan says (<see cref="PlannedImage.Reference"/>): open the session with the oci builder and the registry.
/// </summary>
public sealed class OciImageBuilder(RegistryClient registry, PackageCache cache)
{
    /// <summary>
    /// Told how far the build is: the images done out of those asked (<c>layers</c>), each layer's packages ready, each
    /// package download's bytes and each layer upload's bytes (<c>push:&lt;layer&gt;</c>).
    /// </summary>
    public IProgress<ProgressUpdate>? Updates { get; init; }

    public async Task<IReadOnlyList<OciBuiltImage>> BuildAsync(StackSession session, ChannelIndex channels,
        IReadOnlyCollection<string>? only = null, Action<string>? progress = null, CancellationToken ct = default)
    {
        if (session.Plan.Builder != ImageBuilderKind.Oci)
        {
            throw new ArgumentException($"stack '{session.Stack.Name}' is planned for the {session.Plan.Builder.ToText()} builder: open it with StackOptions.Builder = oci", nameof(session));
        }
        // Claiming the scratch space removes what killed builds left there, even when this build reuses every image.
        _ = cache.Scratch;
        var tree = session.Workspace.Tree;
        var packages = new LayerPackages(session.Workspace, channels, cache);
        var wanted = only is null || only.Count == 0
            ? session.Plan.Images.Select(i => i.Layer).ToHashSet(StringComparer.Ordinal)
            : only.SelectMany(l => tree.Ancestors(l).Select(a => a.Name).Append(l)).ToHashSet(StringComparer.Ordinal);
        var built = new Dictionary<string, Built>(StringComparer.Ordinal);
        var results = new List<OciBuiltImage>();
        var images = session.Plan.Images.Where(i => wanted.Contains(i.Layer)).ToList();
        void Done() => Updates?.Report(new ProgressUpdate("layers", "build", ProgressUnit.Layers, results.Count, images.Count, results.Count == images.Count));
        Done();
        foreach (var image in images)
        {
            var layer = tree[image.Layer];
            var prefix = image.Prefix;
            var stored = session.Locks[image.Layer];
            var parent = image.Parent is null ? null : built[image.Parent];
            // The root's base as its recipe names it: pinned by the digest its lock records.
            var baseReference = image.Parent is null ? ((OciRecipe)image.Recipe).From : null;
            var target = RemoteImage.Of(image.Reference);
            var depth = tree.Ancestors(image.Layer).Count;
            if (await registry.ManifestExistsAsync(target, ct))
            {
                progress?.Invoke($"reused {image.Layer}: {target} is in the registry");
                var (json, _, digest) = await registry.GetManifestAsync(target, ct);
                var manifest = ImageManifest.Parse(json);
                var existingConfig = await registry.GetBlobAsync(target, manifest.Config.Digest, ct);
                // The environment in the reused image (its Beacon layers' files and history) is read only when a child
                // is built on it: a rebuild of an unchanged tree downloads no layer at all.
                var reusedLayers = manifest.Layers.TakeLast(depth + 1).ToList();
                var reusedPrefix = prefix;
                built[image.Layer] = new Built(target, manifest, existingConfig, new Lazy<Task<EnvironmentState>>(async () =>
                {
                    // Each layer goes to a file and is read as a stream: a reused GPU layer of many GiB costs disk, not memory.
                    var folder = cache.Scratch.NewFolder("reused");
                    try
                    {
                        var files = new List<string>();
                        foreach (var d in reusedLayers)
                        {
                            var file = Path.Combine(folder, d.Digest.Replace(':', '-'));
                            await registry.DownloadBlobAsync(target, d.Digest, d.Size, file, Updates, $"reading reused layer {d.Digest[7..19]}", ct);
                            files.Add(file);
                        }
                        return EnvironmentState.FromLayers(files, reusedPrefix);
                    }
                    finally
                    {
                        Directory.Delete(folder, recursive: true);
                    }
                }));
                results.Add(new OciBuiltImage(image.Layer, target, digest, true, manifest.Layers.Count, [], null));
                Done();
                continue;
            }
            progress?.Invoke($"building {image.Layer}");
            ImageManifest baseManifest;
            byte[] baseConfig;
            RemoteImage baseRepository;
            string? baseDigest = null;
            var state = parent is null ? EnvironmentState.Empty : await parent.State.Value;
            if (parent is null)
            {
                baseRepository = RemoteImage.Parse(baseReference!);
                try
                {
                    var (json, _, resolved) = await registry.GetManifestAsync(baseRepository, image.OciPlatform, ct);
                    baseManifest = ImageManifest.Parse(json);
                    baseDigest = resolved;
                    baseConfig = await registry.GetBlobAsync(baseRepository, baseManifest.Config.Digest, ct);
                }
                catch (RegistryException e)
                {
                    throw new RegistryException($"base image {baseReference} of layer '{image.Layer}' ({layer.File}): {e.Message}");
                }
                // A single-platform base must be the layer's platform: conda packages of one subdir run on one architecture.
                if (ImageConfig.Platform(baseConfig) is { } basePlatform && basePlatform != image.OciPlatform)
                {
                    throw new RegistryException($"{baseReference} is a {basePlatform} image; layer '{image.Layer}' is for {image.Platform} ({image.OciPlatform})");
                }
            }
            else
            {
                (baseRepository, baseManifest, baseConfig) = (parent.Image, parent.Manifest, parent.Config);
            }

            var own = LayerPackages.Own(stored.Lock!, image.Parent is null ? null : session.Locks[image.Parent].Lock);
            var extracted = await packages.FetchAsync(own, progress, Updates, image.Layer, ct);
            // The stage and the layer file live in this process's scratch space: a build killed with -9 leaves them to
            // the next build's sweep (ScratchFolder), never to /tmp for good.
            var work = cache.Scratch.NewFolder("layer");
            var stage = Path.Combine(work, "root");
            InstallReport report;
            byte[] config;
            ImageManifest manifestOut;
            var pushes = new List<BlobPush>();
            try
            {
                report = PackageInstaller.Install(packages.Request(image.Layer, stored.Lock!, stage, state), extracted);
                var blob = LayerArchive.Create(stage, Path.Combine(work, "layer.tar.gz"));
                Directory.Delete(stage, recursive: true); // the layer file holds it now: the disk is freed before the push
                var labels = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["org.opencontainers.image.title"] = image.Layer,
                    ["io.beacon.layer"] = image.Layer,
                    ["io.beacon.parent"] = image.Parent ?? "",
                    ["io.beacon.lock-sha256"] = LayerLock.Sha256Of(stored.Text),
                    ["io.beacon.builder"] = OciIdentity.BuilderVersion,
                };
                if (parent is null)
                {
                    labels["org.opencontainers.image.base.name"] = baseReference!;
                    labels["org.opencontainers.image.base.digest"] = baseDigest!;
                }
                config = ImageConfig.Derive(baseConfig, blob.DiffId, prefix, labels,
                    $"beacon build --builder oci: {extracted.Count} conda package(s) into {prefix} (layer {image.Layer})");
                manifestOut = new ImageManifest(Descriptor.Of(MediaTypes.OciConfig, config), [.. baseManifest.Layers, blob.Descriptor],
                    new Dictionary<string, string>());
                foreach (var d in baseManifest.Layers)
                {
                    // The parent's layers by digest: mounted within one registry (nothing sent), copied from another.
                    var from = baseRepository;
                    pushes.Add(await registry.PushBlobAsync(target, d.Digest, d.Size, token => registry.OpenBlobAsync(from, d.Digest, token),
                        from.Host == target.Host ? from.Repository : null, ct));
                }
                progress?.Invoke($"  pushing {image.Layer}'s layer ({blob.Descriptor.Size} bytes)");
                var updates = Updates;
                pushes.Add(await registry.PushBlobAsync(target, blob.Descriptor.Digest, blob.Descriptor.Size,
                    _ => Task.FromResult(updates is null ? blob.Open() : new ProgressStream(blob.Open(), updates, "push:" + image.Layer, $"{image.Layer}: layer", blob.Descriptor.Size)),
                    null, ct));
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
            pushes.Add(await registry.PushBlobAsync(target, manifestOut.Config.Digest, config, null, ct));
            var manifestJson = manifestOut.ToJson();
            var manifestDigest = (await registry.PutManifestAsync(target, manifestJson, MediaTypes.OciManifest, ct)).Digest;
            var childState = state.With(report.Packages.SelectMany(p => p.Files.Select(f => (f, p.Record.DistString))), report.History);
            built[image.Layer] = new Built(target, manifestOut, config, new Lazy<Task<EnvironmentState>>(Task.FromResult(childState)));
            results.Add(new OciBuiltImage(image.Layer, target, manifestDigest, false, manifestOut.Layers.Count, pushes, report));
            Done();
        }
        return results;
    }

    private sealed record Built(RemoteImage Image, ImageManifest Manifest, byte[] Config, Lazy<Task<EnvironmentState>> State);
}
