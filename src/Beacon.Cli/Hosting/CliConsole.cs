namespace Beacon.Cli.Hosting;

/// <summary>
/// What a command sees of the world: where its text goes, the folder it runs in, the environment it reads and
/// whether a person watches stderr. The process's own by default; buffers in tests, so the CLI runs in-process.
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, string CurrentDirectory, Func<string, string?> Environment, bool ErrorIsTerminal)
{
    public static CliConsole FromProcess() => new(Console.Out, Console.Error, Directory.GetCurrentDirectory(),
        System.Environment.GetEnvironmentVariable, !Console.IsErrorRedirected && System.Environment.GetEnvironmentVariable("CI") is null);

    /// <summary>A path given on the command line, relative to <see cref="CurrentDirectory"/>.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, CurrentDirectory);
}
