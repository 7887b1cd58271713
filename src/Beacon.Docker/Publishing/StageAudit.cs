using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Oci.References;
using Beacon.Oci.Registry;

namespace Beacon.Docker.Publishing;

/// <summary>One layer's stage as the repository says it and as the registry's stage tags say it.</summary>
public sealed record LayerStage(string Layer, string File, Stage FileStage, IReadOnlyList<Stage> RegistryTags, string? Disagreement);

/// <summary>
/// Compares each layer's <c>stage:</c> with the stage tags (<c>&lt;layer&gt;:&lt;stage&gt;</c>) its registry holds.
/// <c>publish</c> tags the registry first and edits the layer file second, so a run killed in between, or a file edit
/// that was never committed, leaves a registry that says more than the repository: a tag for a stage above the
/// file's. The other way round, a file that says a stage above the first one without its tag, was edited by hand
/// instead of published. Either is reported; a layer at the first stage with no tag is the normal start.
/// </summary>
public sealed class StageAudit(RegistryClient registry)
{
    public async Task<IReadOnlyList<LayerStage>> AuditAsync(StackSession session, CancellationToken cancellationToken = default)
    {
        var result = new List<LayerStage>();
        foreach (var image in session.Plan.Images)
        {
            var layer = session.Workspace.Tree[image.Layer];
            var repository = RemoteImage.Of(image.Reference);
            var tags = (await registry.ListTagsAsync(repository, cancellationToken)).ToHashSet(StringComparer.Ordinal);
            var held = Enum.GetValues<Stage>().Where(s => tags.Contains(s.ToText())).ToList();
            var name = image.Reference.Name;
            string? disagreement = null;
            if (held.Where(s => s > layer.Stage).Select(s => s.ToText()).ToList() is { Count: > 0 } above)
            {
                disagreement = $"the registry holds {string.Join(", ", above.Select(s => $"{name}:{s}"))} but {layer.File} says 'stage: {layer.Stage.ToText()}': " +
                    $"a publish did not reach the layer file; commit 'stage: {above[^1]}' or remove the tag";
            }
            else if (layer.Stage > Stage.Experimental && !held.Contains(layer.Stage))
            {
                disagreement = $"{layer.File} says 'stage: {layer.Stage.ToText()}' but the registry has no {name}:{layer.Stage.ToText()}: " +
                    "the stage was set by hand, not published; set it back, or publish the layer's tested image to that stage";
            }
            result.Add(new LayerStage(layer.Name, layer.File, layer.Stage, held, disagreement));
        }
        return result;
    }
}
