using System.Text.Json;
using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Docker;

/// <summary>
/// <c>beacon devcontainer</c> (issue 23 item 3) with the real Dev Containers CLI (npm @devcontainers/cli, installed
/// by scripts/services.sh): before the image is built the command says so and its advice, followed, builds it; the
/// written devcontainer.json pins the pushed digest, <c>devcontainer read-configuration</c> accepts it, and a container
/// started from it with <c>devcontainer up</c> on the local engine runs the layer's python from the prefix on PATH
/// (the test channel's python is a stand-in script, so what runs is that script, found through the configured PATH).
/// </summary>
[Collection("docker")]
public sealed class DevContainerTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly TempRepo _repo = new("beacon-devcontainer-");

    private ProcessResult Beacon(params string[] args) => ProcessRunner.Beacon(_repo.Root, _repo.Path_(".cache"), TimeSpan.FromMinutes(3), args);

    [SkippableFact]
    public async Task The_written_devcontainer_pins_the_digest_and_starts_the_layers_python()
    {
        var client = docker.Require();
        var cli = TestServices.DevContainerCli();
        var registry = $"{docker.Registry}/beacon-devc-{Guid.NewGuid().ToString("N")[..8]}";
        _repo.CopyFrom(Fixtures.Path("conda", "beacon-test-channel"), "channels/beacon-test");
        _repo.Write("beacon.yaml", "organisation: acme\nchannels:\n  beacon-test: ./channels/beacon-test\n");
        _repo.Write("layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {docker.BusyboxBase}\nchannels: [beacon-test]\nstage: production\ndependencies:\n  - python 3.11.*\n  - beacon-greeting\n");
        _repo.Write("stacks/Pulumi.dev.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {registry}\n  beacon:builder: oci\n");
        Assert.Equal(0, Beacon("lock", "--quiet").ExitCode);

        var notBuilt = Beacon("devcontainer", "core", "--stack", "dev");
        Assert.Equal(1, notBuilt.ExitCode);
        Assert.Contains("beacon devcontainer: error BEA0607: ", notBuilt.Stderr, StringComparison.Ordinal);
        var advice = notBuilt.Stderr[(notBuilt.Stderr.IndexOf("run 'beacon ", StringComparison.Ordinal) + "run 'beacon ".Length)..].Split('\'')[0];
        var followed = Beacon(advice.Split(' '));
        Assert.True(followed.ExitCode == 0, followed.Stdout + followed.Stderr);
        var pinned = followed.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];

        var blocked = Beacon("devcontainer", "core", "--stack", "dev", "--output", "channels"); // a folder stands there
        Assert.True(blocked.ExitCode == 2, blocked.Stderr);
        Assert.StartsWith("beacon devcontainer: error BEA0610: ", blocked.Stderr, StringComparison.Ordinal);
        // The command as the catalog advises it for this layer, run as written.
        Assert.Equal(0, Beacon("catalog", "--output", "site").ExitCode);
        var advised = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(_repo.Path_("site/catalog-data.js")),
            "\"devContainer\":\\{\"path\":\"\\.devcontainer/core/devcontainer\\.json\",\"command\":\"(beacon [^\"]+)\"").Groups[1].Value;
        Assert.Equal("beacon devcontainer core --stack dev", advised);
        var written = Beacon(advised.Split(' ')[1..]);
        Assert.True(written.ExitCode == 0, written.Stderr);
        Assert.Equal($"wrote .devcontainer/core/devcontainer.json: {pinned}\n", written.Stdout);
        var config = _repo.Path_(".devcontainer/core/devcontainer.json");
        using (var json = JsonDocument.Parse(File.ReadAllText(config)))
        {
            Assert.Equal(pinned, json.RootElement.GetProperty("image").GetString());
            Assert.Equal("acme/core", json.RootElement.GetProperty("name").GetString());
            Assert.Equal("/opt/conda/bin/python", json.RootElement.GetProperty("customizations").GetProperty("vscode").GetProperty("settings").GetProperty("python.defaultInterpreterPath").GetString());
        }

        var read = ProcessRunner.Run(cli, ["read-configuration", "--workspace-folder", _repo.Root, "--config", config], _repo.Root);
        Assert.True(read.ExitCode == 0, read.Stdout + read.Stderr);
        using (var json = JsonDocument.Parse(read.Stdout))
        {
            Assert.Equal(pinned, json.RootElement.GetProperty("configuration").GetProperty("image").GetString());
        }

        try
        {
            var up = ProcessRunner.Run(cli, ["up", "--workspace-folder", _repo.Root, "--config", config], _repo.Root, timeout: TimeSpan.FromMinutes(3));
            Assert.True(up.ExitCode == 0, up.Stdout + up.Stderr);
            Assert.Contains("\"outcome\":\"success\"", up.Stdout, StringComparison.Ordinal);
            var python = ProcessRunner.Run(cli, ["exec", "--workspace-folder", _repo.Root, "--config", config, "python", "--version"], _repo.Root);
            Assert.True(python.ExitCode == 0, python.Stdout + python.Stderr);
            Assert.Equal("python stand-in --version", python.Stdout.Trim());
            var which = ProcessRunner.Run(cli, ["exec", "--workspace-folder", _repo.Root, "--config", config, "sh", "-c", "command -v python; echo $CONDA_PREFIX"], _repo.Root);
            Assert.Equal("/opt/conda/bin/python\n/opt/conda", which.Stdout.Trim());
        }
        finally
        {
            var ids = ProcessRunner.Run("docker", ["ps", "-aq", "--filter", $"label=devcontainer.local_folder={_repo.Root}"], _repo.Root).Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length > 0)
            {
                ProcessRunner.Run("docker", ["rm", "-f", .. ids], _repo.Root);
            }
        }
    }

    public void Dispose() => _repo.Dispose();
}
