using Beacon.Docker.Engine;
using System.Formats.Tar;
using System.Text;
using Beacon.Images.Building;
using Beacon.Images.Planning;

namespace Beacon.Docker.Building;

public enum BuildOutcome
{
    Built,
    Reused,
    Failed,
    Skipped,
}

/// <summary>One image's result: built or reused, its layers, and what it adds over its parent.</summary>
public sealed record ImageBuildResult(string Layer, string Reference, BuildOutcome Outcome, string? ImageId = null,
    IReadOnlyList<string>? LayerDigests = null, long AddedBytes = 0, string? Error = null, string? PushedDigest = null);

/// <summary>
/// Builds the plan's images in dependency order through the Docker Engine API: an image whose content-addressed tag
/// already exists is reused (nothing runs); a child builds FROM its parent's image and must keep the parent's layers
/// byte-for-byte (checked by comparing layer digests); <c>--push</c> pushes in order and records each digest. A
/// failure stops its descendants and keeps the parents already built.
/// </summary>
public sealed class ImageBuilder(DockerClient client, Action<string>? progress = null, Func<string, RegistryAuth?>? credentials = null)
{
    /// <summary>Told the images done out of those asked, and each layer's bytes as the engine pushes or pulls it.</summary>
    public IProgress<Conda.ProgressUpdate>? Updates { get; init; }

    private Action<ProgressMessage>? Transfer(string layer, string verb) => EngineTransfers.Report(Updates, layer, verb);

    public async Task<IReadOnlyList<ImageBuildResult>> BuildAsync(Plan plan, IReadOnlyCollection<string>? only = null, bool push = false,
        CancellationToken cancellationToken = default)
    {
        await client.PingAsync(cancellationToken);
        var results = new Dictionary<string, ImageBuildResult>(StringComparer.Ordinal);
        var wanted = only is null || only.Count == 0 ? null : Closure(plan, only);
        var asked = plan.Images.Count(i => wanted is null || wanted.Contains(i.Layer));
        void Done() => Updates?.Report(new Conda.ProgressUpdate("layers", "build", Conda.ProgressUnit.Layers, results.Count, asked, results.Count == asked));
        Done();
        foreach (var image in plan.Images)
        {
            if (wanted is not null && !wanted.Contains(image.Layer))
            {
                continue;
            }
            var reference = image.Reference.ToString();
            if (image.Parent is not null && results.TryGetValue(image.Parent, out var parentResult) && parentResult.Outcome is BuildOutcome.Failed or BuildOutcome.Skipped)
            {
                results[image.Layer] = new ImageBuildResult(image.Layer, reference, BuildOutcome.Skipped, Error: $"parent '{image.Parent}' did not build");
                Done();
                continue;
            }
            var existing = await client.InspectImageAsync(reference, cancellationToken);
            if (existing is null && push && await InRegistryAsync(image, cancellationToken))
            {
                // Built and pushed before (by CI, or another machine): pull it instead of building it again.
                progress?.Invoke($"pull    {image.Layer}  {reference} (already in the registry)");
                await client.PullAsync(reference, null, Transfer(image.Layer, "pull"), cancellationToken);
                existing = await client.InspectImageAsync(reference, cancellationToken);
            }
            ImageBuildResult result;
            if (existing is not null)
            {
                progress?.Invoke($"reused  {image.Layer}  {reference}");
                result = new ImageBuildResult(image.Layer, reference, BuildOutcome.Reused, existing.Id, existing.Layers);
            }
            else
            {
                progress?.Invoke($"build   {image.Layer}  {reference}");
                var error = await BuildOneAsync(image, plan, cancellationToken);
                var built = error is null ? await client.InspectImageAsync(reference, cancellationToken) : null;
                result = built is null
                    ? new ImageBuildResult(image.Layer, reference, BuildOutcome.Failed, Error: error ?? "the image was not created")
                    : new ImageBuildResult(image.Layer, reference, BuildOutcome.Built, built.Id, built.Layers);
            }
            if (result.Outcome is BuildOutcome.Built or BuildOutcome.Reused && image.Parent is not null && results.TryGetValue(image.Parent, out var parent) && parent.LayerDigests is { } parentLayers)
            {
                // A child must start with exactly its parent's layers: that is what makes a layer cheap to ship.
                if (!result.LayerDigests!.Take(parentLayers.Count).SequenceEqual(parentLayers))
                {
                    result = result with { Outcome = BuildOutcome.Failed, Error = $"the image does not start with the layers of '{image.Parent}'" };
                }
                else
                {
                    var parentReference = plan.Images.Single(i => i.Layer == image.Parent).Reference.ToString();
                    result = result with { AddedBytes = await AddedBytesAsync(reference, parentReference, cancellationToken) };
                }
            }
            else if (result.Outcome is BuildOutcome.Built or BuildOutcome.Reused)
            {
                result = result with { AddedBytes = await AddedBytesAsync(reference, image.Dockerfile.From, cancellationToken) };
            }
            if (push && result.Outcome is BuildOutcome.Built or BuildOutcome.Reused)
            {
                result = result with { PushedDigest = await PushAsync(image, cancellationToken) };
                progress?.Invoke($"pushed  {image.Layer}  {image.Reference.Name}@{result.PushedDigest}");
            }
            results[image.Layer] = result;
            Done();
        }
        return results.Values.ToList();
    }

    /// <summary>Whether the registry already has this tag (Registry API v2: HEAD of the manifest).</summary>
    private static async Task<bool> InRegistryAsync(PlannedImage image, CancellationToken cancellationToken)
    {
        var host = image.Reference.Registry.Split('/')[0];
        var path = string.Join('/', image.Reference.Registry.Split('/').Skip(1).Append(image.Reference.Repository));
        var scheme = host.StartsWith("127.", StringComparison.Ordinal) || host.StartsWith("localhost", StringComparison.Ordinal) ? "http" : "https";
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var request = new HttpRequestMessage(HttpMethod.Head, $"{scheme}://{host}/v2/{path}/manifests/{image.Reference.Tag}");
            request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
            request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false; // unreachable or needs credentials: build it (the push will say what is wrong)
        }
    }

    private static HashSet<string> Closure(Plan plan, IReadOnlyCollection<string> layers)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            for (var current = plan.Images.FirstOrDefault(i => i.Layer == layer); current is not null; current = plan.Images.FirstOrDefault(i => i.Layer == current.Parent))
            {
                result.Add(current.Layer);
            }
        }
        return result;
    }

    /// <summary>
    /// What an image adds over the image it was built FROM: the sizes of its newest history entries, down to where
    /// the parent's history begins (history is listed newest first).
    /// </summary>
    private async Task<long> AddedBytesAsync(string reference, string fromReference, CancellationToken cancellationToken)
    {
        var history = await client.ImageHistoryAsync(reference, cancellationToken);
        IReadOnlyList<ImageHistoryItem> parentHistory;
        try
        {
            parentHistory = await client.ImageHistoryAsync(fromReference, cancellationToken);
        }
        catch (DockerNotFoundException)
        {
            parentHistory = [];
        }
        return history.Take(Math.Max(0, history.Count - parentHistory.Count)).Sum(h => h.Size);
    }

    private async Task<string?> BuildOneAsync(PlannedImage image, Plan plan, CancellationToken cancellationToken)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, text) in image.Dockerfile.Files)
            {
                Add(writer, name, text);
            }
        }
        tar.Position = 0;
        var buildArgs = new Dictionary<string, string>();
        if (image.Parent is not null)
        {
            buildArgs[BuildContext.ParentImageArg] = plan.Images.Single(i => i.Layer == image.Parent).Reference.ToString();
        }
        var lastStep = "";
        try
        {
            await client.BuildAsync(tar, image.Reference.ToString(), buildArgs, message =>
            {
                if (message.Stream is { Length: > 0 } text)
                {
                    if (text.StartsWith("Step ", StringComparison.Ordinal))
                    {
                        lastStep = text.Trim();
                    }
                    progress?.Invoke("        " + Layers.Diagnostics.TerminalText.WithoutColour(text).TrimEnd('\n'));
                }
            }, image.OciPlatform == "linux/amd64" ? null : image.OciPlatform, cancellationToken);
            return null;
        }
        catch (DockerApiException e)
        {
            return $"{lastStep}: {e.Message}".Trim(' ', ':');
        }
    }

    private static void Add(TarWriter writer, string name, string text)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = DateTimeOffset.UnixEpoch,
        };
        writer.WriteEntry(entry);
    }

    private async Task<string> PushAsync(PlannedImage image, CancellationToken cancellationToken)
    {
        try
        {
            var repository = image.Reference.Name;
            return await client.PushAsync(repository, image.Reference.Tag, credentials?.Invoke(RegistryAuths.Host(repository)), Transfer(image.Layer, "push"), cancellationToken);
        }
        catch (DockerApiException e)
        {
            throw new DockerApiException(e.Status, $"the push of {image.Reference} failed: {e.Message}");
        }
    }
}
