namespace Beacon.Cli.Hosting;

/// <summary>How to start this Beacon again from another program (a kernelspec's argv): the native binary, or dotnet + beacon.dll.</summary>
internal static class BeaconExecutable
{
    public static IReadOnlyList<string> Command()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("the process has no path");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, Path.Combine(AppContext.BaseDirectory, "beacon.dll")]
            : [process];
    }
}
