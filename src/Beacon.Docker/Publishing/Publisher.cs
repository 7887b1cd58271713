using Beacon.Conda;
using Beacon.Docker.Engine;
using Beacon.Docker.Testing;
using Beacon.Docker.Verifying;
using Beacon.Evidence.Verification;
using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Layers.Editing;
using Beacon.Oci.Registry;

namespace Beacon.Docker.Publishing;

public enum PublishOutcome
{
    Published,
    /// <summary>The layer's image for this plan is not in the engine: build it first.</summary>
    NotBuilt,
    /// <summary>That exact image has not passed its layer's tests.</summary>
    Refused,
    /// <summary>The tag or the push failed; the layer file was not touched.</summary>
    RegistryRefused,
}

public sealed record PublishResult(PublishOutcome Outcome, string Message, string? ImageId = null, string? Digest = null);

/// <summary>
/// Promotes a layer: only the exact image (by id) that passed the layer's tests and is proven to be its locks
/// (<see cref="LocatedImageVerifier"/>: every file of every package, nothing else under the prefix), first in the registry
/// (<c>&lt;layer&gt;:&lt;stage&gt;</c>), then in the layer file (<c>stage:</c>, to commit in a pull request). With
/// the docker builder the engine tags and pushes the image; with the oci builder the registry already holds it, and
/// the stage tag is put on the tested manifest by its digest (nothing is uploaded). A failed push leaves the file as
/// it was; nothing reports success that did not happen.
/// </summary>
public sealed class Publisher(DockerClient client, TestEvidence evidence, PlannedImageLocator locator, RegistryClient registry,
    LocatedImageVerifier verifier, Func<string, RegistryAuth?>? credentials = null)
{
    public async Task<PublishResult> PublishAsync(StackSession session, string layer, Stage stage, CancellationToken cancellationToken = default)
    {
        var image = session.Plan.Images.Single(i => i.Layer == layer);
        var reference = image.Reference.ToString();
        LocatedImage? located;
        try
        {
            located = await locator.LocateAsync(session.Plan, image, cancellationToken);
        }
        catch (Exception e) when (e is DockerApiException or RegistryException)
        {
            return new PublishResult(PublishOutcome.RegistryRefused, $"{reference}: {e.Message}; {session.Workspace.Tree[layer].File} is unchanged");
        }
        if (located is null)
        {
            return new PublishResult(PublishOutcome.NotBuilt, $"{reference} is not built; run 'beacon build {layer}' and 'beacon test {layer}'");
        }
        var inspect = located.Inspect;
        var shortId = inspect.Id[..Math.Min(19, inspect.Id.Length)];
        var layerFile = session.Workspace.Tree[layer].File;
        var refusal = evidence.Verdict(inspect.Id, layer, LayerTestPlan.Own(session.Workspace, layer)) switch
        {
            TestVerdict.Passed => null,
            TestVerdict.TestsChanged => $"the tests of '{layer}' changed ({layerFile} tests:) since they passed for image {shortId}; run 'beacon test {layer}' again",
            TestVerdict.Failed => $"the tests of '{layer}' failed for image {shortId}; fix them and run 'beacon test {layer}' again",
            _ => $"the tests of '{layer}' have not passed for image {shortId}; run 'beacon test {layer}' first",
        };
        if (refusal is not null)
        {
            return new PublishResult(PublishOutcome.Refused, refusal, inspect.Id);
        }
        if (await Unproven(image, located, cancellationToken) is { } unproven)
        {
            return new PublishResult(PublishOutcome.Refused, unproven, inspect.Id);
        }
        var repository = image.Reference.Name;
        // A stage tag is one of the tags registries are told may move (Images.Naming.RegistryTags).
        var tag = stage.ToText();
        string digest;
        try
        {
            if (located.Manifest is { } manifest)
            {
                digest = (await registry.PutManifestAsync(manifest.Image with { Tag = tag, Digest = null }, manifest.Json, manifest.MediaType, cancellationToken)).Digest;
            }
            else
            {
                await client.TagAsync(reference, repository, tag, cancellationToken);
                digest = await client.PushAsync(repository, tag, credentials?.Invoke(RegistryAuths.Host(repository)), null, cancellationToken);
            }
        }
        catch (Exception e) when (e is DockerApiException or RegistryException)
        {
            return new PublishResult(PublishOutcome.RegistryRefused, $"{repository}:{tag} was not pushed: {e.Message}; {session.Workspace.Tree[layer].File} is unchanged", inspect.Id);
        }
        var file = session.Workspace.FullPath(session.Workspace.Tree[layer].File);
        AtomicFile.WriteAllText(file, LayerFileEdits.WithStage(File.ReadAllText(file), stage));
        return new PublishResult(PublishOutcome.Published,
            $"published {layer}: {session.Workspace.Tree[layer].File} now says 'stage: {tag}' (commit it in a pull request); {repository}:{tag} → {digest}",
            inspect.Id, digest);
    }

    /// <summary>Why the image may not be published as its locks, or null when it is proven to be them.</summary>
    private async Task<string?> Unproven(PlannedImage image, LocatedImage located, CancellationToken ct)
    {
        ImageVerification proof;
        try
        {
            proof = await verifier.VerifyAsync(image, located, ct);
        }
        catch (Exception e) when (e is Conda.Packages.PackageFetchException or Conda.Packages.PackageArchiveException or Conda.Packages.PackageInstallException
            or ImageLayerException or InvalidDataException or RegistryException)
        {
            return $"the image of '{image.Layer}' cannot be verified against its locks: {e.Message}";
        }
        if (proof.Proven)
        {
            return null;
        }
        var shown = proof.Proof.Findings.Take(5).Select(f => "\n  " + f);
        var more = proof.Proof.Findings.Count > 5 ? $"\n  … and {proof.Proof.Findings.Count - 5} more" : "";
        return $"{proof.Summary}{string.Concat(shown)}{more}";
    }
}
