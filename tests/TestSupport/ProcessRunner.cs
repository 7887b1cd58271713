using System.Diagnostics;

namespace Beacon.TestSupport;

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs a real process (our CLI, git) and captures its output; bounded in time.</summary>
internal static class ProcessRunner
{
    public static ProcessResult Run(string fileName, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', psi.ArgumentList)} did not finish");
        }
        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs the beacon CLI built next to the test assembly (dotnet beacon.dll ...).</summary>
    public static ProcessResult Beacon(string workingDirectory, params string[] args) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), .. args], workingDirectory,
            new Dictionary<string, string?> { ["NO_COLOR"] = "1", ["BEACON_DEBUG"] = null });

    /// <summary>The same, with its own cache folder (BEACON_CACHE_DIR) and time limit.</summary>
    public static ProcessResult Beacon(string workingDirectory, string cacheDirectory, TimeSpan timeout, params string[] args) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), .. args], workingDirectory,
            new Dictionary<string, string?> { ["NO_COLOR"] = "1", ["BEACON_DEBUG"] = null, ["BEACON_CACHE_DIR"] = cacheDirectory }, timeout);
}
