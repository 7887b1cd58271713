namespace Beacon.Cli;

/// <summary>The exit codes of every command (README, "Commands").</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The input is valid but a check failed (a stale lock, an unsatisfiable request).</summary>
    public const int CheckFailed = 1;
    /// <summary>The input is invalid (diagnostics say where), or the command line is wrong.</summary>
    public const int InvalidInput = 2;
    /// <summary>Something outside the user's files failed (a bug, an unreachable service); reported without a stack trace.</summary>
    public const int InternalError = 3;
}
