using Beacon.Cli.Hosting;
using Beacon.TestSupport;

namespace Beacon.Cli.Tests;

/// <summary>
/// The CLI run in the test process (<see cref="BeaconApp.Run(string[], CliConsole)"/>): the same command table,
/// parsing, printing and exit codes as the executable, without starting one. <see cref="ProcessRunner.Beacon"/> still
/// starts the real process where process behaviour itself is tested.
/// </summary>
internal static class InProcess
{
    public static ProcessResult Beacon(string workingDirectory, params string[] args) =>
        Beacon(workingDirectory, new Dictionary<string, string?>(), args);

    public static ProcessResult Beacon(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var console = new CliConsole(stdout, stderr, workingDirectory,
            key => environment.TryGetValue(key, out var value) ? value : key == "BEACON_DEBUG" ? null : Environment.GetEnvironmentVariable(key),
            ErrorIsTerminal: false);
        var exit = BeaconApp.Run(args, console);
        return new ProcessResult(exit, stdout.ToString(), stderr.ToString());
    }
}
