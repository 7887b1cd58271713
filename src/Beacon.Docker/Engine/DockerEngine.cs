using Docker.DotNet;

namespace Beacon.Docker.Engine;

/// <summary>The Docker engine is not reachable: reported as a clear error, never a stack trace.</summary>
public sealed class DockerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Connects to the Docker Engine API: DOCKER_HOST when set, the unix socket otherwise.</summary>
public static class DockerEngine
{
    public static string Endpoint(Func<string, string?>? environment = null) =>
        (environment ?? Environment.GetEnvironmentVariable)("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";

    public static DockerClient Connect(Func<string, string?>? environment = null) =>
        new DockerClientConfiguration(new Uri(Endpoint(environment)), defaultTimeout: TimeSpan.FromMinutes(30)).CreateClient();

    /// <summary>Fails fast with a readable message when nothing answers on the endpoint.</summary>
    public static async Task EnsureReachableAsync(DockerClient client, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await client.System.PingAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or OperationCanceledException or DockerApiException
                                      or System.Net.Sockets.SocketException && !cancellationToken.IsCancellationRequested)
        {
            throw new DockerUnavailableException(
                $"no Docker engine answers at {client.Configuration.EndpointBaseUri} ({e.GetBaseException().Message}); start one (scripts/services.sh up) or set DOCKER_HOST", e);
        }
    }
}
