using System.Diagnostics;
using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Docker;

/// <summary>
/// <c>beacon up</c> on a local stack with the oci builder (issue 20 item 1): the images are the digests `beacon build`
/// pushed, pulled by digest — never built from a Dockerfile (the busybox base has no micromamba: a Dockerfile build
/// would fail) — and a layer that cannot be built keeps only its own workload from starting. The advice `up` prints
/// for it is then followed, and the second `up` starts everything.
/// </summary>
[Collection("docker")]
public sealed class OciUpTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly TempRepo _repo = new("beacon-oci-up-");
    private readonly string _group = "ociup" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _namespace = "beacon-oci-up-" + Guid.NewGuid().ToString("N")[..8];

    private ProcessResult Beacon(params string[] args) => ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(5), args);

    [SkippableFact]
    public async Task Up_runs_the_pushed_digests_and_starts_every_workload_whose_layer_built()
    {
        var client = docker.Require();
        TestServices.NeedCompose();
        _repo.CopyFrom(Fixtures.Path("conda", "beacon-test-channel"), "channels/beacon-test");
        _repo.Write("beacon.yaml", "channels:\n  beacon-test: ./channels/beacon-test\nhardware:\n  cpu-small: {cpus: 0.5, memory: 256Mi}\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {docker.BusyboxBase}\nchannels: [beacon-test]\nstage: production\ndependencies:\n  - beacon-greeting\n");
        _repo.Write("layers/app.yaml", "name: app\nparent: core\nstage: production\ndependencies:\n  - beacon-app\n");
        _repo.Write("layers/broken.yaml", "name: broken\nparent: core\nstage: production\ndependencies:\n  - beacon-postlink\n");
        _repo.Write($"workloads/{_group}.yaml", $"group: {_group}\nworkloads:\n" +
            "  - name: greeter\n    kind: service\n    command: [sh, -c, \"/opt/conda/bin/beacon-app; sleep 3600\"]\n    requires: [beacon-app]\n    hardware: cpu-small\n" +
            "  - name: poster\n    kind: service\n    command: [sh, -c, \"cat /opt/conda/share/beacon/postlink.txt; sleep 3600\"]\n    requires: [beacon-postlink]\n    hardware: cpu-small\n");
        _repo.Write("stacks/Pulumi.laptop.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {docker.Registry}/{_namespace}\n  beacon:builder: oci\n");
        var locked = Beacon("lock");
        Assert.True(locked.ExitCode == 0, locked.Stderr);
        var built = Beacon("build", "core", "app", "--stack", "laptop");
        Assert.True(built.ExitCode == 0, built.Stdout + built.Stderr);

        // broken's package is damaged in the channel folder: its build fails, the others are in the registry.
        var package = _repo.Path_("channels/beacon-test/linux-64/beacon-postlink-1.0-0.tar.bz2");
        var original = File.ReadAllBytes(package);
        File.WriteAllBytes(package, new byte[original.Length]);
        var failed = Beacon("build", "broken", "--stack", "laptop");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("error BEA0617", failed.Stderr, StringComparison.Ordinal);

        // The oci builder is reproducible: an earlier run (another namespace) left the same image in the engine, which then
        // finds it by digest and pulls nothing. Removed by its manifest digest, up has to pull it, and shows the pull.
        var plannedAppRef = built.Stdout.Split('\n').Single(l => l.Contains("  app  ", StringComparison.Ordinal)).Split("  ", StringSplitOptions.RemoveEmptyEntries)[2];
        var manifestDigest = plannedAppRef[(plannedAppRef.IndexOf('@') + 1)..];
        foreach (var line in ProcessRunner.Run("docker", ["images", "--digests", "--no-trunc", "--format", "{{.ID}} {{.Digest}}"]).Stdout.Split('\n'))
        {
            if (line.EndsWith(" " + manifestDigest, StringComparison.Ordinal))
            {
                ProcessRunner.Run("docker", ["image", "rm", "-f", line.Split(' ')[0]]);
            }
        }
        try
        {
            var up = Beacon("up", "--stack", "laptop");
            Assert.Equal(1, up.ExitCode);
            Assert.Equal($"up  {_group}\n", up.Stdout);
            var plannedApp = built.Stdout.Split('\n').Single(l => l.Contains("  app  ", StringComparison.Ordinal)).Split("  ", StringSplitOptions.RemoveEmptyEntries)[2];
            Assert.Contains($"pulled  app  {plannedApp}", up.Stderr, StringComparison.Ordinal);
            // Not a terminal: the engine's pull of each image layer as timestamped lines (a live view at a terminal).
            // (Each image layer ends "done": with its bytes when it was downloaded, "0 B" when another image on the engine
            // already had it — in CI other tests' images can share these layers.)
            Assert.Matches(@"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  app: pull [0-9a-f]{12}  [0-9.]+ (B|KiB|MiB)(/[0-9.]+ (B|KiB|MiB))?  done$", up.Stderr);
            Assert.DoesNotContain("build   ", up.Stderr, StringComparison.Ordinal);
            var notStarted = up.Stderr.Split('\n').Single(l => l.StartsWith("not started", StringComparison.Ordinal));
            Assert.StartsWith("not started  poster (layer broken): its image ", notStarted, StringComparison.Ordinal);
            Assert.EndsWith(" is not in the registry; run 'beacon build broken --stack laptop'", notStarted, StringComparison.Ordinal);

            // The greeter runs the pushed digest: the container's image is the one pulled by digest.
            var logs = await Logs("greeter", "beacon-app: prefix /opt/conda");
            Assert.Contains("hello from the core layer", logs, StringComparison.Ordinal);
            var image = ProcessRunner.Run("docker", ["inspect", "--format", "{{.Image}}", $"{_group}-greeter-1"]).Stdout.Trim();
            Assert.Equal(image, ProcessRunner.Run("docker", ["image", "inspect", "--format", "{{.Id}}", plannedApp]).Stdout.Trim());

            // The advice, as printed, once the channel's package is whole again; then everything starts.
            File.WriteAllBytes(package, original);
            var advice = notStarted[(notStarted.IndexOf("run 'beacon ", StringComparison.Ordinal) + "run 'beacon ".Length)..^1];
            var followed = Beacon(advice.Split(' '));
            Assert.True(followed.ExitCode == 0, followed.Stdout + followed.Stderr);
            var again = Beacon("up", "--stack", "laptop");
            Assert.True(again.ExitCode == 0, again.Stdout + again.Stderr);
            Assert.Contains("installed", await Logs("poster", "installed"), StringComparison.Ordinal);
        }
        finally
        {
            Beacon("down", "--stack", "laptop");
        }
    }

    private async Task<string> Logs(string service, string expected)
    {
        var watch = Stopwatch.StartNew();
        var logs = "";
        while (watch.Elapsed < TimeSpan.FromSeconds(60) && !logs.Contains(expected, StringComparison.Ordinal))
        {
            await Task.Delay(500);
            logs = ProcessRunner.Run("docker", ["compose", "-p", _group, "logs", service], _repo.Root).Stdout;
        }
        return logs;
    }

    public void Dispose() => _repo.Dispose();
}
