using System.Text;
using System.Text.Json.Nodes;
using Beacon.Oci.Images;

namespace Beacon.Oci.Tests.Images;

public class ImageConfigTests
{
    private const string Busybox = "{\"architecture\":\"amd64\",\"config\":{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"sh\"]},\"created\":\"2026-01-01T00:00:00Z\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:1111111111111111111111111111111111111111111111111111111111111111\"]}}";

    [Fact]
    public void A_child_config_adds_its_layer_the_environment_the_user_and_labels_and_keeps_the_rest()
    {
        var diffId = "sha256:" + new string('2', 64);
        var derived = ImageConfig.Derive(Encoding.UTF8.GetBytes(Busybox), diffId, "/opt/conda", new Dictionary<string, string> { ["io.beacon.layer"] = "core" }, "beacon: 3 packages");
        var root = JsonNode.Parse(derived)!;
        Assert.Equal("1970-01-01T00:00:00Z", (string?)root["created"]);
        Assert.Equal(["PATH=/opt/conda/bin:/bin", "CONDA_PREFIX=/opt/conda"], root["config"]!["Env"]!.AsArray().Select(e => (string)e!));
        Assert.Equal("10001", (string?)root["config"]!["User"]);
        Assert.Equal("sh", (string?)root["config"]!["Cmd"]![0]);
        Assert.Equal("core", (string?)root["config"]!["Labels"]!["io.beacon.layer"]);
        Assert.Equal(["sha256:" + new string('1', 64), diffId], ImageConfig.DiffIds(derived));
        Assert.Equal("beacon: 3 packages", (string?)root["history"]![0]!["created_by"]);
        // Derived again from the same parent: the same bytes.
        Assert.Equal(derived, ImageConfig.Derive(Encoding.UTF8.GetBytes(Busybox), diffId, "/opt/conda", new Dictionary<string, string> { ["io.beacon.layer"] = "core" }, "beacon: 3 packages"));
        // A grandchild does not repeat the prefix in PATH.
        var again = JsonNode.Parse(ImageConfig.Derive(derived, "sha256:" + new string('3', 64), "/opt/conda", new Dictionary<string, string>(), "x"))!;
        Assert.Equal("PATH=/opt/conda/bin:/bin", (string?)again["config"]!["Env"]![0]);
    }

    [Fact]
    public void Manifests_are_written_as_oci_with_docker_types_mapped_and_read_back()
    {
        var manifest = new ImageManifest(new Descriptor(MediaTypes.DockerConfig, "sha256:" + new string('c', 64), 10),
            [new Descriptor(MediaTypes.DockerLayerGzip, "sha256:" + new string('a', 64), 20), new Descriptor(MediaTypes.OciLayerGzip, "sha256:" + new string('b', 64), 30)],
            new Dictionary<string, string>());
        var json = Encoding.UTF8.GetString(manifest.ToJson());
        Assert.Equal("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\"," +
            $"\"digest\":\"sha256:{new string('c', 64)}\",\"size\":10}},\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:{new string('a', 64)}\",\"size\":20}}," +
            $"{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:{new string('b', 64)}\",\"size\":30}}]}}", json);
        var back = ImageManifest.Parse(manifest.ToJson());
        Assert.Equal([20L, 30L], back.Layers.Select(l => l.Size));
        Assert.Throws<FormatException>(() => ImageManifest.Parse(Encoding.UTF8.GetBytes(json.Replace("sha256:" + new string('a', 64), "sha256:../../x", StringComparison.Ordinal))));
        Assert.Equal((null, null), (back.ArtifactType, back.Subject));
    }

    [Fact]
    public void An_artifact_manifest_names_its_type_and_its_subject_as_it_is_and_reads_back()
    {
        // OCI image-spec 1.1: artifactType is required with the empty config; the subject keeps its own media type (a
        // Docker v2 image stays one: it names those bytes).
        var empty = new Descriptor("application/vnd.oci.empty.v1+json", "sha256:" + new string('e', 64), 2);
        var subject = new Descriptor(MediaTypes.DockerManifest, "sha256:" + new string('d', 64), 527);
        var manifest = new ImageManifest(empty, [new Descriptor("application/vnd.dsse.envelope.v1+json", "sha256:" + new string('a', 64), 900)],
            new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = subject.Digest })
        {
            ArtifactType = "application/vnd.dsse.envelope.v1+json",
            Subject = subject,
        };
        Assert.Equal("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"application/vnd.dsse.envelope.v1+json\"," +
            $"\"config\":{{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:{new string('e', 64)}\",\"size\":2}}," +
            $"\"layers\":[{{\"mediaType\":\"application/vnd.dsse.envelope.v1+json\",\"digest\":\"sha256:{new string('a', 64)}\",\"size\":900}}]," +
            $"\"subject\":{{\"mediaType\":\"{MediaTypes.DockerManifest}\",\"digest\":\"sha256:{new string('d', 64)}\",\"size\":527}}," +
            $"\"annotations\":{{\"org.opencontainers.image.ref.name\":\"sha256:{new string('d', 64)}\"}}}}", Encoding.UTF8.GetString(manifest.ToJson()));
        var back = ImageManifest.Parse(manifest.ToJson());
        Assert.Equal((manifest.ArtifactType, subject), (back.ArtifactType, back.Subject));
        Assert.Throws<FormatException>(() => ImageManifest.Parse(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(manifest.ToJson())
            .Replace("sha256:" + new string('d', 64) + "\",\"size\"", "sha256:../x\",\"size\"", StringComparison.Ordinal))));
    }
}
