using Beacon.TestSupport;

namespace Beacon.Cli.Tests;

/// <summary>
/// The command corpus: each folder under Corpus/ runs one command line (its <c>args</c> file, one argument per line)
/// in-process against a copy of the example organisation, with optional files laid over it (<c>files/</c>) and
/// environment variables (<c>env</c>), and pins the exit code, stdout and stderr in <c>expected.txt</c>. It holds a case
/// for every command-line and command error code (BEA06xx) that needs no Docker engine.
/// </summary>
public class CommandCorpusTests
{
    private static readonly string CorpusDir = Path.Combine(RepoPaths.SourceDir(), "Corpus");

    public static TheoryData<string> Cases() => [.. Directory.EnumerateDirectories(CorpusDir).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_command_line_gives_its_exact_output(string name)
    {
        var dir = Path.Combine(CorpusDir, name);
        using var repo = new TempRepo("beacon-cli-corpus-");
        repo.CopyExample();
        if (Directory.Exists(Path.Combine(dir, "files")))
        {
            repo.CopyFrom(Path.Combine(dir, "files"));
        }
        var args = File.ReadAllLines(Path.Combine(dir, "args")).Where(l => l.Length > 0).ToArray();
        var env = File.Exists(Path.Combine(dir, "env"))
            ? File.ReadAllLines(Path.Combine(dir, "env")).Where(l => l.Contains('=', StringComparison.Ordinal))
                .ToDictionary(l => l[..l.IndexOf('=')], l => (string?)l[(l.IndexOf('=') + 1)..].Replace("{repo}", repo.Root, StringComparison.Ordinal))
            : [];
        var r = InProcess.Beacon(repo.Root, env, args);
        var actual = $"exit {r.ExitCode}\n--- stdout\n{r.Stdout}--- stderr\n{r.Stderr}".Replace(repo.Root, "{repo}", StringComparison.Ordinal);
        Snapshot.MatchFile(actual, Path.Combine(dir, "expected.txt"));
    }
}
