using Beacon.Layers.Diagnostics;
using Beacon.Docker.Engine;
using Beacon.Oci.Registry;

namespace Beacon.Cli.Hosting;

/// <summary>The registry side of an engine command: Docker's own credentials, a registry client, the image locator.</summary>
internal sealed class EngineAccess : IDisposable
{
    private readonly HttpClient _http = new();

    public EngineAccess(CliConsole console, DockerClient client)
    {
        var credentials = RegistryCredentials.FromEnvironment(console.Environment);
        Auths = RegistryAuths.From(credentials);
        Registry = new RegistryClient(_http, credentials);
        Locator = new PlannedImageLocator(client, Registry, Auths);
    }

    public Func<string, RegistryAuth?> Auths { get; }
    public RegistryClient Registry { get; }
    public PlannedImageLocator Locator { get; }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// The one mapping of engine, tool and registry failures to a diagnostic code and exit code, for every command that
    /// talks to the engine, compose or a registry; null for any other exception (the caller lets it through). What is
    /// outside the user's files and unreachable or missing (the engine, a program, a GPU runtime) exits 3; a refusal of
    /// valid input exits 1; a missing variable the user must set exits 2.
    /// </summary>
    public static int? Fail(CommandRun run, Exception e) => e switch
    {
        DockerUnavailableException u => run.Fail(DiagnosticCode.DockerUnavailable, u.Message, ExitCodes.InternalError),
        ToolUnavailableException t => run.Fail(DiagnosticCode.ToolUnavailable, t.Message, ExitCodes.InternalError),
        GpuUnavailableException g => run.Fail(DiagnosticCode.GpuUnavailable, g.Message, ExitCodes.InternalError),
        EnvironmentVariableMissingException m => run.Fail(DiagnosticCode.EnvironmentVariableMissing, m.Message, ExitCodes.InvalidInput),
        DockerApiException a => run.Fail(DiagnosticCode.EngineRefused, $"the Docker engine refused: {a.Message}", ExitCodes.CheckFailed),
        RegistryException r => run.Fail(DiagnosticCode.RegistryRefused, r.Message, ExitCodes.CheckFailed),
        _ => null,
    };
}
