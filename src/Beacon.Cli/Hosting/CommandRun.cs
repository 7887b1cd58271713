using Beacon.Cli.Output;
using Beacon.Images.Planning;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Rendering;

namespace Beacon.Cli.Hosting;

/// <summary>
/// One command's run and its one printer of failures: diagnostics in the compiler format on stderr, a command's own
/// errors as <c>beacon &lt;command&gt;: error BEA06xx: message</c>, and with <c>--json</c> a JSON failure document on
/// stdout instead, so scripts always get JSON. With <c>--format github</c> each finding is also a GitHub Actions
/// annotation on stdout (the runner turns it into a comment on the pull request's line).
/// </summary>
internal sealed class CommandRun(CliConsole console, string? command, bool json, bool github = false)
{
    private readonly List<Diagnostic> _reported = [];

    public CliConsole Console => console;
    public TextWriter Out => console.Out;
    public TextWriter Err => console.Error;
    public bool Json => json;
    /// <summary>The command's name as messages start: "beacon lock", or "beacon" before a command was recognised.</summary>
    public string Prefix => command is null ? "beacon" : $"beacon {command}";

    /// <summary>Prints findings (or keeps them for the JSON document).</summary>
    public void Report(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            _reported.Add(d);
            if (github)
            {
                Out.WriteLine(GitHubAnnotation.Format(d));
            }
            if (!json)
            {
                Err.WriteLine(d);
            }
        }
    }

    /// <summary>Stops the command with a coded error of its own.</summary>
    public int Fail(DiagnosticCode code, string message, int exitCode = ExitCodes.InvalidInput)
    {
        if (json)
        {
            Out.Write(JsonOptions.Write(new FailureJson(new ErrorJson(DiagnosticCodes.Id(code), message), exitCode, Reported()), CliJson.Styled.FailureJson));
        }
        else
        {
            if (github)
            {
                Out.WriteLine(GitHubAnnotation.Format(code, $"{Prefix}: {message}"));
            }
            Err.WriteLine(TerminalText.Clean($"{Prefix}: error {DiagnosticCodes.Id(code)}: {message}"));
        }
        return exitCode;
    }

    /// <summary>Stops the command because of the diagnostics already reported.</summary>
    public int Failed(int exitCode)
    {
        if (json)
        {
            Out.Write(JsonOptions.Write(new FailureJson(null, exitCode, Reported()), CliJson.Styled.FailureJson));
        }
        return exitCode;
    }

    /// <summary>A stack that could not be prepared: its diagnostics, and the exit code its failure means.</summary>
    public int Stopped(StackOpening opening)
    {
        Report(opening.Diagnostics);
        return Failed(opening.Failure == StackFailure.CheckFailed ? ExitCodes.CheckFailed : ExitCodes.InvalidInput);
    }

    /// <summary>A line of progress for people (stderr, never in JSON mode's stdout).</summary>
    public void Progress(string line) => Err.WriteLine(TerminalText.Clean(line));

    /// <summary>
    /// Runs long work with its progress shown: a live view at a terminal (Spectre.Console), timestamped lines otherwise
    /// (CI logs). The work gets where to report updates and where to write messages.
    /// </summary>
    public Task<T> WithProgressAsync<T>(Func<IProgress<Conda.ProgressUpdate>, Action<string>, Task<T>> work)
    {
        if (console.ErrorIsTerminal)
        {
            var terminal = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(Err) });
            return TerminalProgress.RunAsync(terminal, view => work(view, view.Message));
        }
        var plain = new PlainProgress(Err, TimeProvider.System);
        return work(plain, plain.Message);
    }

    private List<DiagnosticJson> Reported() => _reported.Select(DiagnosticJson.From).ToList();
}
