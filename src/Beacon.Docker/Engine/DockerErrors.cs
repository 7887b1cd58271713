namespace Beacon.Docker.Engine;

/// <summary>The Docker engine is not reachable: reported as a clear error, never a stack trace.</summary>
public sealed class DockerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The engine answered with an error (a failed build step, a refused push, a bad request).</summary>
public class DockerApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>The image or container does not exist (HTTP 404).</summary>
public sealed class DockerNotFoundException(string message) : DockerApiException(404, message);
