using Beacon.Layers.Validation;

namespace Beacon.Layers.Tests.Validation;

public class NamesTests
{
    [Theory]
    [InlineData("core", true)]
    [InlineData("gpu-ml-nightly", true)]
    [InlineData("a1", true)]
    [InlineData("Core", false)]
    [InlineData("-core", false)]
    [InlineData("core-", false)]
    [InlineData("gpu_ml", false)]
    [InlineData("../etc", false)]
    [InlineData("a;rm -rf", false)]
    [InlineData("", false)]
    public void Dns_labels(string name, bool valid) => Assert.Equal(valid, Names.IsDnsLabel(name));

    [Fact]
    public void Dns_labels_are_at_most_63_characters()
    {
        Assert.True(Names.IsDnsLabel(new string('a', 63)));
        Assert.False(Names.IsDnsLabel(new string('a', 64)));
    }

    [Theory]
    [InlineData("mambaorg/micromamba:1.5.8", true)]
    [InlineData("127.0.0.1:5000/beacon/core:abc123", true)]
    [InlineData("debian:12", true)]
    [InlineData("ghcr.io/acme/base@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("Debian:12", false)]
    [InlineData("debian:12; rm -rf /", false)]
    [InlineData("debian\n:12", false)]
    public void Image_references(string reference, bool valid) => Assert.Equal(valid, Names.IsImageReference(reference));

    [Theory]
    [InlineData("conda-forge", true)]
    [InlineData("my-org/label/dev", true)]
    [InlineData("https://conda.anaconda.org/conda-forge", true)]
    [InlineData("file:///srv/channel", true)]
    [InlineData("conda forge", false)]
    [InlineData("ftp://x", false)]
    [InlineData("$(whoami)", false)]
    public void Channels(string channel, bool valid) => Assert.Equal(valid, Names.IsChannel(channel));

}
