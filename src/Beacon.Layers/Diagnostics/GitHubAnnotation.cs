namespace Beacon.Layers.Diagnostics;

/// <summary>
/// A diagnostic as a GitHub Actions workflow command (<c>::error file=…,line=…,col=…,title=BEA0403::message</c>), which
/// the runner shows on the pull request's changed line. User text is escaped as the runner reads it: '%', CR and LF in
/// the message; also ':' and ',' in properties (they would end a value); other control characters as \uXXXX.
/// </summary>
public static class GitHubAnnotation
{
    public static string Format(Diagnostic d) =>
        $"::{(d.Severity == Severity.Error ? "error" : "warning")} file={Property(d.Location.File)},line={d.Location.Line},col={d.Location.Column}," +
        $"title={d.Id}::{Data(d.Message)}";

    /// <summary>A command's own error, which has no file.</summary>
    public static string Format(DiagnosticCode code, string message) => $"::error title={DiagnosticCodes.Id(code)}::{Data(message)}";

    private static string Data(string text) =>
        TerminalText.Clean(text.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal));

    private static string Property(string text) => Data(text).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
