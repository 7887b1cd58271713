using Beacon.Docker.Engine;

namespace Beacon.Docker.Tests.Engine;

/// <summary>Where the client looks for an engine, and what it says when none is there (no engine needed).</summary>
public class DockerClientTests
{
    [Theory]
    [InlineData(null, "unix:///var/run/docker.sock")]
    [InlineData("", "unix:///var/run/docker.sock")]
    [InlineData("tcp://127.0.0.1:2375", "tcp://127.0.0.1:2375")]
    public void The_endpoint_is_DOCKER_HOST_or_the_default_socket(string? dockerHost, string expected) =>
        Assert.Equal(expected, DockerClient.EndpointFrom(key => key == "DOCKER_HOST" ? dockerHost : null));

    [Theory]
    [InlineData("ssh://user@host")]
    [InlineData("not an address")]
    public void Unsupported_endpoints_are_refused_with_the_reason(string dockerHost)
    {
        var e = Assert.Throws<DockerUnavailableException>(() => DockerClient.Connect(key => key == "DOCKER_HOST" ? dockerHost : null));
        Assert.Contains(dockerHost.Split(':')[0], e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_socket_is_a_clear_error()
    {
        using var client = DockerClient.Connect(key => key == "DOCKER_HOST" ? "unix:///tmp/beacon-no-such-engine.sock" : null);
        var e = await Assert.ThrowsAsync<DockerUnavailableException>(() => client.PingAsync());
        Assert.Equal("no Docker engine answers at unix:///tmp/beacon-no-such-engine.sock (no socket there); start one (scripts/services.sh up) or set DOCKER_HOST", e.Message);
    }
}
