using Beacon.Docker.Engine;
using Beacon.Images.Rendering;
using System.Diagnostics;

namespace Beacon.Docker.LocalStack;

/// <summary>The docker compose v2 CLI for the local stack: one Compose project per workload group.</summary>
public static class ComposeRunner
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>
    /// Starts a project. Compose refuses to start one whose file takes the Jupyter token from the shell when the shell
    /// has none; that is checked first, so the cause is named instead of compose's interpolation error.
    /// </summary>
    public static Result Up(string project, string file)
    {
        if (File.ReadAllText(file).Contains(Compose.TokenFromShellMarker, StringComparison.Ordinal)
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(KernelServer.TokenVariable)))
        {
            throw new EnvironmentVariableMissingException(KernelServer.TokenVariable,
                $"{KernelServer.TokenVariable} is not set: '{project}' serves Jupyter, which asks for this token; export {KernelServer.TokenVariable}=<a secret of your choice> and run again");
        }
        return Run("compose", "-p", project, "-f", file, "up", "-d", "--remove-orphans");
    }

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
            var output = stdout.Result + stderr.Result;
            if (p.ExitCode != 0 && EngineFailures.Classify(output) is { } cause)
            {
                throw cause;
            }
            return new Result(p.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new ToolUnavailableException("the docker CLI is not installed (it runs the local stack's Compose projects; Debian: apt install docker-cli docker-compose)");
        }
    }
}
