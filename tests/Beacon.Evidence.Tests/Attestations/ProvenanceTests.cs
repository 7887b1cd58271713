using Beacon.Evidence.Attestations;
using Beacon.Layers.Loading;
using Beacon.Oci.References;
using Beacon.TestSupport;

namespace Beacon.Evidence.Tests.Attestations;

/// <summary>The provenance statement of a layer image: its dependencies are the locks of the layer's chain, by sha256.</summary>
public class ProvenanceTests
{
    [Fact]
    public void A_layer_statement_names_the_image_by_digest_and_the_chain_of_locks()
    {
        var workspace = WorkspaceLoader.Load(RepoPaths.Root).Workspace!;
        var digest = "sha256:" + new string('a', 64);
        var provenance = LayerProvenance.For(workspace, "gpu-ml-nightly", RemoteImage.Parse("registry.example:5000/acme/gpu-ml-nightly:abc"), digest);
        Assert.Equal("registry.example:5000/acme/gpu-ml-nightly", provenance.SubjectName);
        Assert.Equal(["layers/core.lock", "base-image", "layers/gpu-ml.lock", "layers/gpu-ml-nightly.lock"], provenance.Dependencies.Select(d => d.Name));
        var coreLock = File.ReadAllBytes(RepoPaths.RepoFile("layers", "core.lock"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(coreLock)), provenance.Dependencies[0].Sha256);
        Assert.StartsWith("oci://mambaorg/micromamba:1.5.8@sha256:", provenance.Dependencies[1].Uri, StringComparison.Ordinal);

        var json = provenance.ToJson();
        Assert.Equal(json, provenance.ToJson());
        var statement = Provenance.ReadStatement(json)!.Value;
        Assert.Equal([new string('a', 64)], statement.Subjects);
        Assert.Equal(Provenance.PredicateType, statement.PredicateType);
        Assert.Null(Provenance.ReadStatement("{\"_type\":\"other\"}"u8.ToArray()));
    }
}
