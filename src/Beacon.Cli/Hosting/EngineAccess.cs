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
    /// The engine and registry failures of a command that runs containers, as its diagnostic and exit code; null for
    /// any other exception (the caller lets it through).
    /// </summary>
    public static int? Fail(CommandRun run, Exception e) => e switch
    {
        DockerUnavailableException u => run.Fail(Layers.Diagnostics.DiagnosticCode.DockerUnavailable, u.Message, ExitCodes.InternalError),
        DockerApiException a => run.Fail(Layers.Diagnostics.DiagnosticCode.DockerUnavailable, $"the Docker engine refused: {a.Message}", ExitCodes.CheckFailed),
        RegistryException r => run.Fail(Layers.Diagnostics.DiagnosticCode.RegistryRefused, r.Message, ExitCodes.CheckFailed),
        _ => null,
    };
}
