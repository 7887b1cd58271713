using System.Diagnostics;
using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Docker;

/// <summary>
/// test → publish → up/down through the real CLI on a real engine and registry. The images are built FROM the
/// stand-in micromamba base (busybox: its httpd and wget play the services).
/// </summary>
[Collection("docker")]
public sealed class LocalStackTests : IClassFixture<DockerFixture>, IDisposable
{
    private readonly DockerFixture _docker;
    private readonly TempRepo _repo = new("beacon-local-");
    private readonly string _group = "duo" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _repository;

    public LocalStackTests(DockerFixture docker)
    {
        _docker = docker;
        _repository = $"t{Guid.NewGuid().ToString("N")[..8]}";
        _repo.Write("beacon.yaml", $"channels:\n  conda-forge: {RepoPaths.RepoFile("channels", "demo")}\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {docker.StandInBase}\nchannels: [conda-forge]\nstage: production\n" +
            "dependencies:\n  - python 3.11.*\ntests:\n  - test -f /opt/conda/conda-meta/python-3.11.8-hab00c5b_0_cpython.json\n  - grep -q python /opt/conda/beacon-installed.txt\n");
        _repo.Write("layers/broken.yaml", "name: broken\nparent: core\nstage: experimental\ndependencies:\n  - six\ntests:\n  - test -f /opt/conda/conda-meta/this-package-is-not-there.json\n");
        _repo.Write($"workloads/{_group}.yaml", $"group: {_group}\nworkloads:\n" +
            "  - name: server\n    kind: service\n    command: [httpd, -f, -p, \"18080\", -h, /etc]\n    requires: [python]\n    ports: [18080]\n    hardware: cpu-small\n    tests: [\"test -x /bin/httpd\"]\n" +
            "  - name: client\n    kind: service\n    command: [sh, -c, \"until wget -q -O /dev/null http://server:18080/passwd; do sleep 1; done; echo reached-server; sleep 3600\"]\n    requires: [python]\n    hardware: cpu-small\n");
        _repo.Write("beacon.yaml", File.ReadAllText(_repo.Path_("beacon.yaml")) + "hardware:\n  cpu-small: {cpus: 0.5, memory: 256Mi}\n");
        _repo.Write("stacks/Pulumi.local.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {docker.Registry}/{_repository}\n  beacon:stages: [production, experimental]\n");
    }

    private ProcessResult Beacon(params string[] args) =>
        ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), .. args, "-C", _repo.Root], _repo.Root, timeout: TimeSpan.FromMinutes(5));

    [SkippableFact]
    public void Test_publish_up_and_down()
    {
        _docker.Require();
        TestServices.NeedCompose();
        Assert.Equal(0, Beacon("lock", "--quiet").ExitCode);
        var notBuilt = Beacon("test", "core");
        Assert.Equal(1, notBuilt.ExitCode);
        Assert.Contains("beacon test: error BEA0607: ", notBuilt.Stderr, StringComparison.Ordinal);
        var build = Beacon("build", "--stack", "local");
        Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);

        // A passing layer: its report, then its promotion (layer file + registry tag).
        var junit = _repo.Path_("report.xml");
        var passing = Beacon("test", "core", "--junit", junit);
        Assert.True(passing.ExitCode == 0, passing.Stdout + passing.Stderr);
        Assert.Contains("2 passed, 0 failed", passing.Stdout, StringComparison.Ordinal);
        Assert.Contains("<testcase name=\"grep -q python /opt/conda/beacon-installed.txt\"", File.ReadAllText(junit), StringComparison.Ordinal);

        // A failing layer blocks its own publication.
        var failing = Beacon("test", "broken");
        Assert.Equal(1, failing.ExitCode);
        Assert.Contains("0 passed, 1 failed", failing.Stdout, StringComparison.Ordinal);
        // --against: the tests of the workloads the parent serves run inside the candidate image too.
        var against = Beacon("test", "broken", "--against", "local");
        Assert.Contains("pass  workload server (runs on core in local): test -x /bin/httpd", against.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 passed, 1 failed", against.Stdout, StringComparison.Ordinal);
        var refused = Beacon("publish", "broken", "--stage", "production");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("beacon publish: error BEA0608: refused: the tests of 'broken' failed for image sha256:", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("stage: experimental", File.ReadAllText(_repo.Path_("layers/broken.yaml")), StringComparison.Ordinal);

        // An image that passed its tests but cannot be proven to be its locks is not published: the stand-in
        // micromamba installs no package's files, and the demo channel holds no package archives to prove them from.
        var coreFile = File.ReadAllText(_repo.Path_("layers/core.yaml"));
        Assert.Equal(0, Beacon("test", "core").ExitCode);
        var unproven = Beacon("publish", "core", "--stage", "production");
        Assert.Equal(1, unproven.ExitCode);
        Assert.Contains("beacon publish: error BEA0608: refused: the image of 'core' cannot be verified against its locks: ", unproven.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("published", unproven.Stdout, StringComparison.Ordinal);
        Assert.Equal(coreFile, File.ReadAllText(_repo.Path_("layers/core.yaml")));

        // Evidence names the tests as well as the image: once core's tests change, the old pass proves nothing.
        _repo.Write("layers/core.yaml", coreFile.Replace("tests:\n", "tests:\n  - \"false\"\n", StringComparison.Ordinal));
        Assert.Equal(0, Beacon("check").ExitCode); // tests are not part of the image: the lock and image stay the same
        var stale = Beacon("publish", "core", "--stage", "production");
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("beacon publish: error BEA0608: refused: the tests of 'core' changed (layers/core.yaml tests:) since they passed for image sha256:", stale.Stderr, StringComparison.Ordinal);
        var nowFailing = Beacon("test", "core");
        Assert.Equal(1, nowFailing.ExitCode);
        Assert.Contains("FAIL (1)  layer core: false", nowFailing.Stdout, StringComparison.Ordinal);
        Assert.Contains("refused: the tests of 'core' failed", Beacon("publish", "core", "--stage", "production").Stderr, StringComparison.Ordinal);
        _repo.Write("layers/core.yaml", coreFile);
        Assert.Equal(0, Beacon("test", "core").ExitCode);

        using (var http = new HttpClient())
        {
            // Nothing was promoted: no stage tag reached the registry.
            var tags = http.GetAsync($"http://{_docker.Registry}/v2/{_repository}/core/tags/list").Result.Content.ReadAsStringAsync().Result;
            Assert.DoesNotContain("\"production\"", tags, StringComparison.Ordinal);
        }

        // The two services of one group reach each other by name on their own network.
        try
        {
            var up = Beacon("up", "--stack", "local");
            Assert.True(up.ExitCode == 0, up.Stdout + up.Stderr);
            var watch = Stopwatch.StartNew();
            var logs = "";
            while (watch.Elapsed < TimeSpan.FromSeconds(60) && !logs.Contains("reached-server", StringComparison.Ordinal))
            {
                Thread.Sleep(1000);
                logs = ProcessRunner.Run("docker", ["compose", "-p", _group, "logs", "client"], _repo.Root).Stdout;
            }
            Assert.Contains("reached-server", logs, StringComparison.Ordinal);
            var status = Beacon("status", "--stack", "local");
            Assert.Contains($"{_group} server running", status.Stdout, StringComparison.Ordinal);
            Assert.Contains($"{_group} client running", status.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            var down = Beacon("down", "--stack", "local");
            Assert.True(down.ExitCode == 0, down.Stdout + down.Stderr);
        }
        Assert.DoesNotContain(_group, Beacon("status", "--stack", "local").Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _repo.Dispose();
}
