namespace Beacon.Layers.Diagnostics;

public enum Severity
{
    Error,
    Warning,
}

/// <summary>
/// One finding about the user's files, printed in the compiler format that GitHub and IDEs annotate:
/// <c>layers/gpu-ml.yaml(12,5): error BEA0123: message</c>.
/// </summary>
public sealed record Diagnostic(SourceLocation Location, Severity Severity, DiagnosticCode Code, string Message)
{
    public static Diagnostic Error(SourceLocation at, DiagnosticCode code, string message) => new(at, Severity.Error, code, message);
    public static Diagnostic Warning(SourceLocation at, DiagnosticCode code, string message) => new(at, Severity.Warning, code, message);

    public string Id => DiagnosticCodes.Id(Code);

    /// <summary>The compiler format; user text in the message or path is printed with control characters escaped.</summary>
    public override string ToString() =>
        TerminalText.Clean($"{Location}: {(Severity == Severity.Error ? "error" : "warning")} {Id}: {Message}");
}
