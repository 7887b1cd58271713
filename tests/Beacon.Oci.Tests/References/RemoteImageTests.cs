using Beacon.Oci.References;

namespace Beacon.Oci.Tests.References;

public class RemoteImageTests
{
    [Theory]
    [InlineData("mambaorg/micromamba:1.5.8", "registry-1.docker.io", "mambaorg/micromamba", "1.5.8", "https://registry-1.docker.io/v2/")]
    [InlineData("debian", "registry-1.docker.io", "library/debian", "latest", "https://registry-1.docker.io/v2/")]
    [InlineData("docker.io/library/busybox:1", "registry-1.docker.io", "library/busybox", "1", "https://registry-1.docker.io/v2/")]
    [InlineData("127.0.0.1:15000/localbase/busybox:1", "127.0.0.1:15000", "localbase/busybox", "1", "http://127.0.0.1:15000/v2/")]
    [InlineData("ghcr.io/acme/layers/core:abc", "ghcr.io", "acme/layers/core", "abc", "https://ghcr.io/v2/")]
    [InlineData("localhost/x", "localhost", "x", "latest", "http://localhost/v2/")]
    public void References_resolve_as_docker_resolves_them(string text, string host, string repository, string reference, string uri)
    {
        var image = RemoteImage.Parse(text);
        Assert.Equal((host, repository, reference, uri), (image.Host, image.Repository, image.Reference, image.BaseUri.ToString()));
    }

    [Fact]
    public void A_digest_wins_over_a_tag()
    {
        var digest = "sha256:" + new string('a', 64);
        Assert.Equal(digest, RemoteImage.Parse($"ghcr.io/acme/core:1@{digest}").Reference);
    }

    [Theory]
    [InlineData("UPPER/case")]
    [InlineData("acme/core:bad tag")]
    [InlineData("acme/core@sha256:zz")]
    [InlineData("-rm/x")]
    [InlineData("")]
    public void Malformed_references_are_refused(string text) => Assert.Throws<FormatException>(() => RemoteImage.Parse(text));
}
