using System.Text.Json;
using Beacon.GitOps.Tests.Workflows;
using Beacon.Integration.Tests.Docker;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Oci.References;
using Beacon.Oci.Registry;
using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Workflows;

/// <summary>
/// The deploy workflow's build matrix, played from the workflow files against the real registry and engine: the plan
/// job's `levels` step orders the changed layers, and each level's jobs (build-layer.yml's `layer` step, one process
/// per layer, each with its own runner folder and cache as a CI machine has) run in parallel, parents' level first.
/// They give the digests of one sequential build; a job killed in the middle of a blob upload and run again
/// completes; two jobs racing on one layer leave one manifest that proves to be its locks.
/// </summary>
[Collection("docker")]
public sealed class BuildMatrixTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly TempRepo _repo = new("beacon-matrix-");
    private readonly List<WorkflowRunner> _runners = [];

    private static readonly WorkflowDocument Deploy = new(RepoPaths.RepoFile(".github", "workflows", "deploy.yml"));
    private static readonly WorkflowDocument BuildLayer = new(RepoPaths.RepoFile(".github", "workflows", "build-layer.yml"));

    /// <summary>core; numeric and kernel under it; frames under numeric — committed after a first commit without layers.</summary>
    private async Task Organisation(params string[] stacks)
    {
        var engine = docker.Require();
        _repo.CopyFrom(Fixtures.Path("conda", "beacon-test-channel"), "channels/beacon-test");
        _repo.Write("beacon.yaml", "channels:\n  beacon-test: ./channels/beacon-test\n");
        WorkflowRunner.Git(_repo, "init", "-q", "-b", "main");
        WorkflowRunner.Git(_repo, "add", "-A");
        WorkflowRunner.Git(_repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "channels");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {docker.BusyboxBase}\nchannels: [beacon-test]\nstage: production\ndependencies:\n  - python 3.11.*\n  - beacon-greeting\ntests: [\"test -x /opt/conda/bin/beacon-hello\"]\n");
        _repo.Write("layers/numeric.yaml", "name: numeric\nparent: core\nstage: production\ndependencies:\n  - beacon-py\ntests: [\"true\"]\n");
        _repo.Write("layers/kernel.yaml", "name: kernel\nparent: core\nstage: production\ndependencies:\n  - ipykernel\ntests: [\"true\"]\n");
        _repo.Write("layers/frames.yaml", "name: frames\nparent: numeric\nstage: production\ndependencies:\n  - beacon-app\ntests: [\"beacon-app | grep -q 'prefix /opt/conda'\"]\n");
        foreach (var stack in stacks)
        {
            _repo.Write($"stacks/Pulumi.{stack}.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {docker.Registry}/m{Guid.NewGuid().ToString("N")[..8]}-{stack}\n  beacon:builder: oci\n");
        }
        using var locker = DockerFixture.Locker(WorkspaceLoader.Load(_repo.Root).Workspace!);
        var run = await locker.RunAsync(new LockOptions());
        Assert.True(run.Success);
        locker.Write(run);
        WorkflowRunner.Git(_repo, "add", "-A");
        WorkflowRunner.Git(_repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "the layers");
    }

    /// <summary>A CI machine: its own runner folder and package cache.</summary>
    private WorkflowRunner Runner(WorkflowDocument workflow)
    {
        var runner = new WorkflowRunner(_repo, workflow);
        runner.Extra["BEACON_CACHE_DIR"] = Path.Combine(runner.RunnerTemp, "cache");
        _runners.Add(runner);
        return runner;
    }

    private static Dictionary<string, string> Job(string layer, string stack) => new()
    {
        ["${{ inputs.layer }}"] = layer,
        ["${{ vars.BEACON_TEST_STACK }}"] = "",
        ["${{ vars.BEACON_PUBLISH_STACK }}"] = stack,
    };

    /// <summary>"reused    core  host/ns/core@sha256:…" lines of a build that finds everything pushed: layer → digest.</summary>
    private Dictionary<string, string> Digests(string stack)
    {
        var r = ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(3), "build", "--stack", stack);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(p => p[1], p => p[2][(p[2].IndexOf('@') + 1)..]);
    }

    [SkippableFact]
    public async Task The_matrix_builds_each_level_in_parallel_and_gives_the_digests_of_one_sequential_build()
    {
        await Organisation("ci", "sequential");
        var plan = Runner(Deploy);
        var levels = plan.Step("levels", new Dictionary<string, string>
        {
            ["${{ steps.base.outputs.ref }}"] = "HEAD~1",
            ["${{ vars.BEACON_PUBLISH_STACK }}"] = "ci",
        });
        Assert.True(levels.ExitCode == 0, levels.Stderr);
        Assert.Equal("levels=[[\"core\"],[\"kernel\",\"numeric\"],[\"frames\"]]\ndepth=3\n", plan.Output);
        var matrix = JsonSerializer.Deserialize<string[][]>(plan.Output.Split('\n')[0]["levels=".Length..])!;

        foreach (var level in matrix)
        {
            // One process per job of the level, all at once; the next level starts when they have all finished.
            var jobs = level.Select(layer => (Layer: layer, Runner: Runner(BuildLayer))).ToList();
            var results = await Task.WhenAll(jobs.Select(j => Task.Run(() => j.Runner.Step("layer", Job(j.Layer, "ci")))));
            foreach (var (job, result) in jobs.Zip(results))
            {
                Assert.True(result.ExitCode == 0, $"{job.Layer}: {result.Stdout}{result.Stderr}");
                Assert.Contains($"published {job.Layer}", result.Stdout, StringComparison.Ordinal);
            }
        }

        var parallel = Digests("ci");
        var sequential = ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache-sequential"), TimeSpan.FromMinutes(3), "build", "--stack", "sequential");
        Assert.True(sequential.ExitCode == 0, sequential.Stderr);
        Assert.All(sequential.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("built ", l, StringComparison.Ordinal));
        Assert.Equal(Digests("sequential").OrderBy(d => d.Key), parallel.OrderBy(d => d.Key));
        Assert.Equal(["core", "frames", "kernel", "numeric"], parallel.Keys.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task A_job_killed_in_the_middle_of_a_push_completes_when_it_runs_again()
    {
        await Organisation("clean");
        using var proxy = new HoldingProxy(docker.Registry);
        _repo.Write("stacks/Pulumi.held.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {proxy.Address}/held{Guid.NewGuid().ToString("N")[..8]}\n  beacon:builder: oci\n");

        proxy.HoldUploads = true;
        var job = Runner(BuildLayer);
        using (var process = job.StartStep("layer", Job("core", "held")))
        {
            var finished = process.WaitForExitAsync();
            Assert.True(await Task.WhenAny(proxy.Held, finished, Task.Delay(TimeSpan.FromMinutes(3))) == proxy.Held, "the job finished or stalled before any blob upload was held");
            process.Kill(entireProcessTree: true);
            await finished;
        }
        proxy.HoldUploads = false;

        // The retried job (a new machine, as GitHub's re-run gives) builds, tests and publishes.
        var retried = Runner(BuildLayer).Step("layer", Job("core", "held"));
        Assert.True(retried.ExitCode == 0, retried.Stdout + retried.Stderr);
        Assert.Contains("published core", retried.Stdout, StringComparison.Ordinal);
        var clean = ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache-clean"), TimeSpan.FromMinutes(3), "build", "core", "--stack", "clean");
        Assert.True(clean.ExitCode == 0, clean.Stderr);
        Assert.Equal(Digests("clean")["core"], Digests("held")["core"]);
    }

    [SkippableFact]
    public async Task Two_jobs_racing_on_one_layer_leave_one_manifest_that_is_its_locks()
    {
        await Organisation("race");
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Runner(BuildLayer)).ToList()
            .Select(r => Task.Run(() => r.Step("layer", Job("frames", "race")))));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr));
        var digests = Digests("race");
        var frames = digests["frames"];
        using var http = new HttpClient();
        var registry = new RegistryClient(http, new RegistryCredentials(null));
        var pinned = RemoteImage.Parse(ProcessRunner.Beacon(_repo.Root, "build", "frames", "--stack", "race").Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Single(w => w.Contains("/frames@", StringComparison.Ordinal)));
        var published = pinned with { Digest = null, Tag = "production" };
        Assert.Equal(frames, await registry.ResolveDigestAsync(published));
        var verify = ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache-verify"), TimeSpan.FromMinutes(3), "verify", pinned.ToString(), "--layer", "frames");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }

    /// <summary>
    /// What an in-cluster build Job's await-parent container runs (<c>beacon build --emit kubernetes</c>): it waits while
    /// the parent's image is missing (exit 1 when the time is up) and returns as soon as another process pushed it.
    /// </summary>
    [SkippableFact]
    public async Task A_child_job_awaits_its_parents_image_until_another_job_pushes_it()
    {
        await Organisation("awaited");
        var early = ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(1), "build", "core", "--stack", "awaited", "--await", "1");
        Assert.Equal(1, early.ExitCode);
        Assert.Matches(@"^beacon build: error BEA0607: not in the registry after 1 s: 127\.0\.0\.1:\d+/m[0-9a-f]{8}-awaited/core:[0-9a-f]+\n$", early.Stderr);

        var waiting = Task.Run(() => ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(3), "build", "core", "--stack", "awaited", "--await", "150"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(waiting.IsCompleted);
        var build = ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache-build"), TimeSpan.FromMinutes(3), "build", "core", "--stack", "awaited");
        Assert.True(build.ExitCode == 0, build.Stderr);
        var awaited = await waiting;
        Assert.True(awaited.ExitCode == 0, awaited.Stderr);
        Assert.Matches(@"^in the registry: 127\.0\.0\.1:\d+/m[0-9a-f]{8}-awaited/core:[0-9a-f]+\n$", awaited.Stdout);
    }

    public void Dispose()
    {
        foreach (var runner in _runners)
        {
            runner.Dispose();
        }
        _repo.Dispose();
    }
}
