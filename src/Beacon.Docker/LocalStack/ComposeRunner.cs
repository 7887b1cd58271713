using Beacon.Docker.Engine;
using System.Diagnostics;

namespace Beacon.Docker.LocalStack;

/// <summary>The docker compose v2 CLI for the local stack: one Compose project per workload group.</summary>
public static class ComposeRunner
{
    public sealed record Result(int ExitCode, string Output);

    public static Result Up(string project, string file) => Run("compose", "-p", project, "-f", file, "up", "-d", "--remove-orphans");

    public static Result Down(string project, string file, bool volumes = false) =>
        volumes ? Run("compose", "-p", project, "-f", file, "down", "--remove-orphans", "--volumes") : Run("compose", "-p", project, "-f", file, "down", "--remove-orphans");

    /// <summary>Running containers of the given projects: "project service state" lines.</summary>
    public static Result Status(IEnumerable<string> projects)
    {
        var filters = projects.SelectMany(p => new[] { "--filter", $"label=com.docker.compose.project={p}" }).ToArray();
        return Run(["ps", "--all", .. filters, "--format", "{{.Label \"com.docker.compose.project\"}} {{.Label \"com.docker.compose.service\"}} {{.State}} {{.Status}}"]);
    }

    private static Result Run(params string[] args)
    {
        var psi = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            return new Result(p.ExitCode, stdout.Result + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new DockerUnavailableException("the docker CLI (with the compose plugin) is not installed");
        }
    }
}
