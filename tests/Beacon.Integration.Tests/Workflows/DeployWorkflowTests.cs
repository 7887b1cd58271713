using Beacon.Conda.Channels;
using Beacon.GitOps.Tests.Workflows;
using Beacon.Integration.Tests.Docker;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Oci.References;
using Beacon.Oci.Registry;
using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Workflows;

/// <summary>
/// The deploy workflow's layer steps, played from .github/workflows/deploy.yml (the build levels) and build-layer.yml
/// (one matrix job) on a scripted repository against the real engine and registry: only the layers whose locks the
/// push changed are built and tested, and each tested image
/// is published (tagged &lt;layer&gt;:&lt;stage&gt;) in the registry of vars.BEACON_PUBLISH_STACK. The stack uses the oci
/// builder over Beacon's test channel: publish proves each image is its locks, which an image of the stand-in
/// micromamba (it installs no files) never is.
/// </summary>
[Collection("docker")]
public sealed class DeployWorkflowTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly TempRepo _repo = new("beacon-deploy-");

    private async Task Lock()
    {
        using var locker = DockerFixture.Locker(WorkspaceLoader.Load(_repo.Root).Workspace!);
        var run = await locker.RunAsync(new LockOptions());
        Assert.True(run.Success);
        locker.Write(run);
    }

    [SkippableFact]
    public async Task The_deploy_step_builds_tests_and_publishes_only_the_layers_whose_locks_changed()
    {
        var engine = docker.Require();
        var registry = $"{docker.Registry}/deploy{Guid.NewGuid().ToString("N")[..8]}";
        _repo.CopyFrom(Fixtures.Path("conda", "beacon-test-channel"), "channels/beacon-test");
        _repo.Write("beacon.yaml", "channels:\n  beacon-test: ./channels/beacon-test\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {docker.BusyboxBase}\nchannels: [beacon-test]\nstage: production\ndependencies:\n  - python 3.11.*\n  - beacon-greeting\ntests: [\"test -x /opt/conda/bin/beacon-hello\"]\n");
        _repo.Write("layers/numeric.yaml", "name: numeric\nparent: core\nstage: production\ndependencies:\n  - beacon-py\ntests: [\"true\"]\n");
        _repo.Write("stacks/Pulumi.ci.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {registry}\n  beacon:builder: oci\n  beacon:stages: [production, experimental]\n");
        await Lock();
        WorkflowRunner.Git(_repo, "init", "-q", "-b", "main");
        WorkflowRunner.Git(_repo, "add", "-A");
        WorkflowRunner.Git(_repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base");
        // The push: a new layer (its lock is new); core's and numeric's locks are unchanged.
        _repo.Write("layers/frames.yaml", "name: frames\nparent: numeric\nstage: experimental\ndependencies:\n  - beacon-app\ntests: [\"beacon-app | grep -q 'prefix /opt/conda'\"]\n");
        await Lock();
        WorkflowRunner.Git(_repo, "add", "-A");
        WorkflowRunner.Git(_repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "add frames");

        using var plan = new WorkflowRunner(_repo, new WorkflowDocument(RepoPaths.RepoFile(".github", "workflows", "deploy.yml")));
        var levels = plan.Step("levels", new Dictionary<string, string>
        {
            ["${{ steps.base.outputs.ref }}"] = "HEAD~1",
            ["${{ vars.BEACON_PUBLISH_STACK }}"] = "ci",
        });
        Assert.True(levels.ExitCode == 0, levels.Stdout + levels.Stderr);
        // Only the layer whose lock the push added is in the matrix: one level, one job.
        Assert.Equal("levels=[[\"frames\"]]\ndepth=1\n", plan.Output);
        using var runner = new WorkflowRunner(_repo, new WorkflowDocument(RepoPaths.RepoFile(".github", "workflows", "build-layer.yml")));
        var step = runner.Step("layer", new Dictionary<string, string>
        {
            ["${{ inputs.layer }}"] = "frames",
            ["${{ vars.BEACON_TEST_STACK }}"] = "",
            ["${{ vars.BEACON_PUBLISH_STACK }}"] = "ci",
        });
        using var http = new HttpClient();
        var client = new RegistryClient(http, new RegistryCredentials(null));
        Assert.True(await client.ManifestExistsAsync(RemoteImage.Parse($"{registry}/frames:experimental")));
        // Unchanged layers were neither tested nor published.
        Assert.False(await client.ManifestExistsAsync(RemoteImage.Parse($"{registry}/numeric:production")));
        Assert.False(await client.ManifestExistsAsync(RemoteImage.Parse($"{registry}/core:production")));
        Assert.DoesNotContain(step.Stdout.Split('\n').Where(l => l.StartsWith("published", StringComparison.Ordinal)), l => l.Contains("numeric", StringComparison.Ordinal));
        Assert.Single(step.Stdout.Split('\n'), l => l.StartsWith("published", StringComparison.Ordinal));
    }

    public void Dispose() => _repo.Dispose();
}
