using Beacon.Conda.Channels;
using Beacon.Docker.Building;
using Beacon.Docker.Engine;
using Beacon.Images.Planning;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Docker;

/// <summary>
/// Layer images on a real Docker engine and registry, built FROM a base image whose micromamba is a stand-in (see
/// StandIn/micromamba: no conda installer or channel can be reached here). Each test uses its own repository, so its
/// content-addressed tags are its own.
/// </summary>
[Collection("docker")]
public sealed class ImageBuildTests : IClassFixture<DockerFixture>, IDisposable
{
    private readonly DockerFixture _docker;
    private readonly TempRepo _repo = new("beacon-images-");

    public ImageBuildTests(DockerFixture docker)
    {
        _docker = docker;
        // A unique marker in the root layer's description is not an input; a unique owner is not either. The
        // tag depends on the lock, so the repository pins a unique extra package set per test run instead.
        _repo.Write("beacon.yaml", $"channels:\n  conda-forge: {RepoPaths.RepoFile("channels", "demo")}\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {docker.StandInBase}\nchannels: [conda-forge]\nstage: production\ndependencies:\n  - python 3.11.*\n");
        _repo.Write("layers/numeric.yaml", "name: numeric\nparent: core\nstage: production\ndependencies:\n  - numpy\n");
        _repo.Write("layers/frames.yaml", "name: frames\nparent: numeric\nstage: production\ndependencies:\n  - pandas\n  - pip: [tabulate ==0.9.0]\n");
        _repo.Write("stacks/Pulumi.test.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {docker.Registry}/t{Guid.NewGuid().ToString("N")[..8]}\n");
    }

    private async Task<Plan> LockAndPlan()
    {
        var workspace = WorkspaceLoader.Load(_repo.Root).Workspace!;
        using var locker = DockerFixture.Locker(workspace);
        var run = await locker.RunAsync(new LockOptions());
        Assert.True(run.Success);
        locker.Write(run);
        var opening = StackSessions.Open(_repo.Root, "test");
        Assert.True(opening.Success, string.Join("\n", opening.Diagnostics));
        return opening.Session!.Plan;
    }

    [SkippableFact]
    public async Task Builds_a_tree_reuses_it_and_rebuilds_only_a_changed_subtree()
    {
        var client = _docker.Require();
        var plan = await LockAndPlan();
        var first = await new ImageBuilder(client).BuildAsync(plan);
        Assert.All(first, r => Assert.True(r.Outcome == BuildOutcome.Built, $"{r.Layer}: {r.Outcome} {r.Error}"));
        var byLayer = first.ToDictionary(r => r.Layer);

        // Each child starts with exactly its parent's layers (checked by the builder too) and adds a little.
        Assert.Equal(byLayer["numeric"].LayerDigests!.Take(byLayer["core"].LayerDigests!.Count), byLayer["core"].LayerDigests);
        Assert.Equal(byLayer["frames"].LayerDigests!.Take(byLayer["numeric"].LayerDigests!.Count), byLayer["numeric"].LayerDigests);
        Assert.All(first, r => Assert.InRange(r.AddedBytes, 1, 1_000_000));

        // The stand-in recorded exactly the delta each layer installs.
        var (exit, installed) = await _docker.RunAsync(byLayer["frames"].Reference, "cat", "/opt/conda/beacon-installed.txt");
        Assert.Equal(0, exit);
        Assert.Contains("pandas 2.2.1", installed, StringComparison.Ordinal);
        Assert.Contains("python 3.11.8", installed, StringComparison.Ordinal);
        var (_, pip) = await _docker.RunAsync(byLayer["frames"].Reference, "cat", "/opt/conda/beacon-pip-installed.txt");
        Assert.Equal("tabulate ==0.9.0\n", pip); // the layer's pip requirements reached pip, after the conda records
        var (_, meta) = await _docker.RunAsync(byLayer["numeric"].Reference, "ls", "/opt/conda/conda-meta");
        Assert.Contains("numpy-1.26.4-py311h64a7726_0.json", meta, StringComparison.Ordinal);
        Assert.DoesNotContain("pandas", meta, StringComparison.Ordinal);

        var second = await new ImageBuilder(client).BuildAsync(plan);
        Assert.All(second, r => Assert.Equal(BuildOutcome.Reused, r.Outcome));

        _repo.Write("layers/numeric.yaml", "name: numeric\nparent: core\nstage: production\ndependencies:\n  - numpy\n  - six\n");
        var changed = await new ImageBuilder(client).BuildAsync(await LockAndPlan());
        Assert.Equal(
            [("core", BuildOutcome.Reused), ("numeric", BuildOutcome.Built), ("frames", BuildOutcome.Built)],
            changed.Select(r => (r.Layer, r.Outcome)));
    }

    [SkippableFact]
    public async Task Pushes_in_order_and_pulls_back_by_digest()
    {
        var client = _docker.Require();
        var plan = await LockAndPlan();
        var results = await new ImageBuilder(client).BuildAsync(plan, ["numeric"], push: true);
        Assert.Equal(["core", "numeric"], results.Select(r => r.Layer));
        var numeric = results.Single(r => r.Layer == "numeric");
        Assert.Matches("^sha256:[0-9a-f]{64}$", numeric.PushedDigest);

        var image = plan.Images.Single(i => i.Layer == "numeric").Reference;
        var byDigest = $"{image.Registry}/{image.Repository}@{numeric.PushedDigest}";
        await client.RemoveImageAsync(image.ToString());
        await client.PullAsync(byDigest, null, null);
        var pulled = await client.InspectImageAsync(byDigest);
        Assert.Equal(numeric.LayerDigests, pulled!.Layers);

        // Gone locally but present in the registry: a pushing build pulls it instead of building it again.
        await client.RemoveImageAsync(byDigest);
        var again = await new ImageBuilder(client).BuildAsync(plan, ["numeric"], push: true);
        Assert.Equal(BuildOutcome.Reused, again.Single(r => r.Layer == "numeric").Outcome);
    }

    [SkippableFact]
    public async Task A_push_to_a_registry_behind_basic_auth_presents_dockers_credentials()
    {
        var client = _docker.Require();
        var (_, guarded) = TestServices.Registries();
        _repo.Write("stacks/Pulumi.test.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {guarded}/t{Guid.NewGuid().ToString("N")[..8]}\n");
        var plan = await LockAndPlan();

        var anonymous = await Assert.ThrowsAsync<DockerApiException>(() => new ImageBuilder(client).BuildAsync(plan, ["core"], push: true));
        Assert.EndsWith("failed: no basic auth credentials", anonymous.Message, StringComparison.Ordinal);

        // Docker's config.json, as `docker login` writes it (the engine never reads it: Beacon sends it with the push).
        using var config = new TempRepo("beacon-docker-login-");
        var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
            $"{Environment.GetEnvironmentVariable("BEACON_TEST_AUTH_USER")}:{Environment.GetEnvironmentVariable("BEACON_TEST_AUTH_PASSWORD")}"));
        config.Write("config.json", $"{{\"auths\": {{\"{guarded}\": {{\"auth\": \"{auth}\"}}}}}}");
        var credentials = RegistryAuths.From(new Beacon.Oci.Registry.RegistryCredentials(config.Root));
        var updates = new Recorded();
        var pushed = await new ImageBuilder(client, null, credentials) { Updates = updates }.BuildAsync(plan, ["core"], push: true);
        Assert.True(pushed.Single().Outcome is BuildOutcome.Built or BuildOutcome.Reused, pushed.Single().Error);
        Assert.Matches("^sha256:[0-9a-f]{64}$", pushed.Single().PushedDigest);
        // The engine's push lines became byte updates per image layer, each finished; the build's count ends at 1/1.
        Assert.Equal(new Beacon.Conda.ProgressUpdate("layers", "build", Beacon.Conda.ProgressUnit.Layers, 1, 1, true), updates.All[^1]);
        var layers = updates.All.Where(u => u.Key.StartsWith("push:core:", StringComparison.Ordinal)).GroupBy(u => u.Key).ToList();
        Assert.NotEmpty(layers);
        Assert.All(layers, l => Assert.True(l.Last().Finished, l.Key));
    }

    [SkippableFact]
    public async Task A_failing_step_is_reported_and_the_parents_are_kept()
    {
        var client = _docker.Require();
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {_docker.BusyboxBase}\nchannels: [conda-forge]\nstage: production\ndependencies:\n  - python 3.11.*\n");
        var plan = await LockAndPlan();
        // localbase/busybox has no micromamba at all: the RUN step fails, and the children are not attempted.
        var results = await new ImageBuilder(client).BuildAsync(plan);
        var core = results.Single(r => r.Layer == "core");
        Assert.Equal(BuildOutcome.Failed, core.Outcome);
        Assert.Contains("micromamba", core.Error, StringComparison.Ordinal);
        Assert.All(results.Where(r => r.Layer != "core"), r => Assert.Equal(BuildOutcome.Skipped, r.Outcome));
    }

    [Fact]
    public async Task A_stopped_engine_is_a_clear_error()
    {
        // Needs no service: the engine it talks to is deliberately absent.
        using var nowhere = DockerClient.Connect(key => key == "DOCKER_HOST" ? "unix:///tmp/no-such-docker.sock" : null);
        var plan = await LockAndPlan();
        var e = await Assert.ThrowsAsync<DockerUnavailableException>(() => new ImageBuilder(nowhere).BuildAsync(plan));
        Assert.StartsWith("no Docker engine answers at unix:///tmp/no-such-docker.sock", e.Message, StringComparison.Ordinal);
        var cli = ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), "build", "-C", _repo.Root, "--stack", "test"], _repo.Root,
            new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix:///tmp/no-such-docker.sock" });
        Assert.Equal(3, cli.ExitCode);
        Assert.Contains("no Docker engine answers", cli.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", cli.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Keeps every update in order (IProgress without a synchronisation context).</summary>
    private sealed class Recorded : IProgress<Beacon.Conda.ProgressUpdate>
    {
        public List<Beacon.Conda.ProgressUpdate> All { get; } = [];

        public void Report(Beacon.Conda.ProgressUpdate value)
        {
            lock (All)
            {
                All.Add(value);
            }
        }
    }

    public void Dispose() => _repo.Dispose();
}
