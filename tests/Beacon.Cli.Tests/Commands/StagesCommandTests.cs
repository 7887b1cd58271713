using System.Text;
using Beacon.Conda.Net;
using Beacon.Oci.Images;
using Beacon.Oci.References;
using Beacon.Oci.Registry;
using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>
/// <c>beacon stages</c> against the real registry of scripts/services.sh: stage tags are put there as publish puts
/// them (a manifest under <c>&lt;layer&gt;:&lt;stage&gt;</c>), and the layer files say what the repository says.
/// </summary>
public sealed class StagesCommandTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-cli-stages-");
    private readonly HttpClient _http = BeaconHttp.Create();
    private readonly string _namespace = "stages-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        _http.Dispose();
        _repo.Dispose();
    }

    private async Task Tag(string layer, string stage)
    {
        var client = new RegistryClient(_http, new RegistryCredentials(null));
        var image = RemoteImage.Parse($"{TestServices.Registry}/{_namespace}/{layer}:{stage}");
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Labels\":{{\"layer\":\"{layer}\"}}}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[]}}}}");
        await client.PushBlobAsync(image, Descriptor.DigestOf(config), config);
        await client.PutManifestAsync(image, new ImageManifest(Descriptor.Of(MediaTypes.OciConfig, config), [], new Dictionary<string, string>()).ToJson(), MediaTypes.OciManifest);
    }

    [SkippableFact]
    public async Task A_publish_that_did_not_reach_the_layer_file_and_a_stage_set_by_hand_are_both_reported()
    {
        TestServices.Registries();
        _repo.CopyExample();
        _repo.Write("stacks/Pulumi.acme-local.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {TestServices.Registry}/{_namespace}\n  beacon:stages: [production, experimental]\n  beacon:platforms: [linux-64]\n");
        foreach (var layer in new[] { "core", "gpu-ml", "notebook", "r-analytics" })
        {
            await Tag(layer, "production");
        }
        // A publish of gpu-ml-nightly killed after its tag: the registry says production, the file experimental.
        await Tag("gpu-ml-nightly", "production");
        await Tag("gpu-ml-nightly", "experimental");
        // snowflake says production in its file, and was never published.
        var found = InProcess.Beacon(_repo.Root, "stages", "--stack", "acme-local");
        Assert.Equal(1, found.ExitCode);
        Assert.Equal($"""
            core            stage: production    registry: production
            gpu-ml          stage: production    registry: production
            gpu-ml-nightly  stage: experimental  registry: experimental, production
            notebook        stage: production    registry: production
            r-analytics     stage: production    registry: production
            snowflake       stage: production    registry: none

            """.Replace("\r", "", StringComparison.Ordinal), string.Join("\n", found.Stdout.Split('\n').Order(StringComparer.Ordinal).Skip(1)) + "\n");
        Assert.Contains($"layers/gpu-ml-nightly.yaml(1,1): error BEA0624: the registry holds {TestServices.Registry}/{_namespace}/gpu-ml-nightly:production but layers/gpu-ml-nightly.yaml says 'stage: experimental': " +
            "a publish did not reach the layer file; commit 'stage: production' or remove the tag", found.Stderr, StringComparison.Ordinal);
        Assert.Contains($"layers/snowflake.yaml(1,1): error BEA0624: layers/snowflake.yaml says 'stage: production' but the registry has no {TestServices.Registry}/{_namespace}/snowflake:production: " +
            "the stage was set by hand, not published; set it back, or publish the layer's tested image to that stage", found.Stderr, StringComparison.Ordinal);

        // The publish committed, snowflake published: they agree.
        _repo.Write("layers/gpu-ml-nightly.yaml", File.ReadAllText(_repo.Path_("layers/gpu-ml-nightly.yaml")).Replace("stage: experimental", "stage: production", StringComparison.Ordinal));
        await Tag("snowflake", "production");
        var agreed = InProcess.Beacon(_repo.Root, "stages", "--stack", "acme-local");
        Assert.True(agreed.ExitCode == 0, agreed.Stderr);
        Assert.Equal("", agreed.Stderr);
    }
}
