using Beacon.Images.Naming;

namespace Beacon.Images.Tests.Naming;

public class ImageReferenceTests
{
    [Theory]
    [InlineData("127.0.0.1:5000", "core", "3f9a1c", "127.0.0.1:5000/core:3f9a1c")]
    [InlineData("123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/", "gpu-ml", "v1.2", "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/gpu-ml:v1.2")]
    [InlineData("", "core", "latest", "core:latest")]
    public void Formats_validated_parts(string registry, string layer, string tag, string expected) =>
        Assert.Equal(expected, ImageReference.ForLayer(registry, layer, tag).ToString());

    [Theory]
    [InlineData("127.0.0.1:5000", "Core", "x")]
    [InlineData("127.0.0.1:5000", "core", "x;rm -rf /")]
    [InlineData("127.0.0.1:5000", "core", "-x")]
    [InlineData("reg istry", "core", "x")]
    [InlineData("127.0.0.1:5000", "../core", "x")]
    public void Rejects_anything_unsafe(string registry, string layer, string tag) =>
        Assert.Throws<ArgumentException>(() => ImageReference.ForLayer(registry, layer, tag));
}
