using Beacon.Docker.Engine;

namespace Beacon.Benchmarks;

/// <summary>The test registry scripts/services.sh starts, with the local busybox base pushed to it (what the image benchmarks build on).</summary>
public static class TestRegistry
{
    /// <summary>The registry's host:port, or null (having said what to run) when the services' environment is not sourced.</summary>
    public static string? Address()
    {
        var registry = Environment.GetEnvironmentVariable("BEACON_TEST_REGISTRY");
        if (registry is null)
        {
            Console.Error.WriteLine("needs the test registry: scripts/services.sh up && source /tmp/beacon-services/env");
        }
        return registry;
    }

    /// <summary>Pushes localbase/busybox:1 as &lt;registry&gt;/localbase/busybox:1, the roots' base image.</summary>
    public static async Task PushBaseAsync(DockerClient docker, string registry)
    {
        await docker.TagAsync("localbase/busybox:1", $"{registry}/localbase/busybox", "1");
        await docker.PushAsync($"{registry}/localbase/busybox", "1", null, null);
    }
}
