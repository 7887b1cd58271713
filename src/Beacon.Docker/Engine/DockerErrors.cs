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

/// <summary>A program a command runs is not installed: the docker CLI, or its compose plugin.</summary>
public sealed class ToolUnavailableException(string message) : Exception(message);

/// <summary>The engine cannot give a container the GPU its hardware profile asks for (no NVIDIA runtime on its host).</summary>
public sealed class GpuUnavailableException(string message) : Exception(message);

/// <summary>A variable the command needs from the environment is not set (the Jupyter token).</summary>
public sealed class EnvironmentVariableMissingException(string variable, string message) : Exception(message)
{
    public string Variable { get; } = variable;
}

/// <summary>
/// The one reading of what a failed engine call or compose run says, into the cause it names, so that each cause has
/// its own diagnostic: the engine's API answer and the compose CLI's output both pass through here.
/// </summary>
public static class EngineFailures
{
    /// <returns>The exception for a cause this recognises, or null (the caller reports the failure as it is).</returns>
    public static Exception? Classify(string output)
    {
        // dockerd, when a container asks for the nvidia driver and the host has no NVIDIA Container Toolkit:
        // "could not select device driver "nvidia" with capabilities: [[gpu]]".
        if (output.Contains("could not select device driver", StringComparison.Ordinal))
        {
            return new GpuUnavailableException(
                "the Docker engine cannot give this container a GPU (could not select device driver \"nvidia\"): its host needs an NVIDIA driver and the NVIDIA Container Toolkit; run on a GPU host, or choose a CPU profile (--hardware)");
        }
        // The docker CLI without the compose v2 plugin reads "compose" as an unknown command and its flags as its own.
        if (output.Contains("'compose' is not a docker command", StringComparison.Ordinal)
            || output.Contains("unknown shorthand flag: 'p' in -p", StringComparison.Ordinal)
            || output.Contains("unknown shorthand flag: 'f' in -f", StringComparison.Ordinal))
        {
            return new ToolUnavailableException(
                "the docker compose plugin is not installed: 'docker compose' is not a docker command here (Debian: apt install docker-compose; Docker's packages: docker-compose-plugin)");
        }
        return null;
    }
}
