using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>
/// Each cause of an engine-side failure has its own code (one mapping: EngineAccess.Fail). The docker CLI here is a
/// stand-in script placed first on PATH — visibly so — printing what the real CLI prints without the compose plugin or
/// on a host without an NVIDIA runtime; the token check needs no engine at all.
/// </summary>
public sealed class EngineFailureTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-engine-failure-");
    private readonly TempRepo _bin = new("beacon-standin-docker-");

    public EngineFailureTests() => _repo.CopyExample();

    private void StandInDocker(string stderr, int exit)
    {
        _bin.Write("docker", $"#!/bin/sh\n# stand-in for the docker CLI (EngineFailureTests)\ncat >&2 <<'OUT'\n{stderr}\nOUT\nexit {exit}\n");
        File.SetUnixFileMode(_bin.Path_("docker"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private ProcessResult Beacon(string? token, params string[] args) =>
        ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), .. args, "-C", _repo.Root], _repo.Root,
            new Dictionary<string, string?>
            {
                ["PATH"] = _bin.Root + ":" + Environment.GetEnvironmentVariable("PATH"),
                ["JUPYTER_TOKEN"] = token,
                ["NO_COLOR"] = "1",
                ["BEACON_DEBUG"] = null,
            });

    [Fact]
    public void A_docker_cli_without_the_compose_plugin_is_a_missing_tool()
    {
        // What Debian's docker.io CLI prints for 'docker compose -p …' when docker-compose (the v2 plugin) is missing.
        StandInDocker("unknown shorthand flag: 'p' in -p\nSee 'docker --help'.", 125);
        var r = Beacon("x", "down", "--stack", "acme-local");
        Assert.Equal(3, r.ExitCode);
        Assert.StartsWith("beacon down: error BEA0619: the docker compose plugin is not installed", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workspace_without_a_jupyter_token_names_the_variable()
    {
        StandInDocker("the stand-in must not be reached", 99);
        var r = Beacon("", "workspace", "up", "alice", "--stack", "acme-local");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("beacon workspace up: error BEA0622: JUPYTER_TOKEN is not set: 'workspace-alice' serves Jupyter", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("stand-in", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gpu_workspace_on_a_host_without_an_nvidia_runtime_says_so()
    {
        StandInDocker("Error response from daemon: could not select device driver \"nvidia\" with capabilities: [[gpu]]", 1);
        var r = Beacon("secret", "workspace", "up", "alice", "--stack", "acme-local", "--profile", "gpu");
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("beacon workspace up: error BEA0620: the Docker engine cannot give this container a GPU", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_compose_failure_of_another_kind_is_the_engine_refusing()
    {
        StandInDocker("Error response from daemon: driver failed programming external connectivity: Bind for 127.0.0.1:8890 failed: port is already allocated", 1);
        var r = Beacon("secret", "workspace", "up", "alice", "--stack", "acme-local");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("port is already allocated", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("beacon workspace up: error BEA0621: docker compose up failed for workspace 'alice'", r.Stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _repo.Dispose();
        _bin.Dispose();
    }
}
