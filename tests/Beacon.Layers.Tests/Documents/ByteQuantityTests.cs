using Beacon.Layers.Documents;

namespace Beacon.Layers.Tests.Documents;

/// <summary>
/// Byte quantities as Kubernetes' resource.Quantity reads them (k8s.io/apimachinery/pkg/api/resource, quantity.go:
/// binary Ki…Ei, decimal k…E with a lowercase kilo, exponents, fractions rounded up to a whole byte), limited to what an
/// engine can take (at most 2^63-1 bytes, no milli-bytes).
/// </summary>
public class ByteQuantityTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("512Mi", 536870912L)]
    [InlineData("16Gi", 17179869184L)]
    [InlineData("1.5Gi", 1610612736L)]
    [InlineData("1Pi", 1125899906842624L)]
    [InlineData("1Ei", 1152921504606846976L)] // was "not a quantity"
    [InlineData("7Ei", 8070450532247928832L)]
    [InlineData("1k", 1000L)]
    [InlineData("1.5G", 1500000000L)]
    [InlineData("2T", 2000000000000L)]
    [InlineData("1P", 1000000000000000L)]
    [InlineData("9E", 9000000000000000000L)]
    [InlineData("1e3", 1000L)]
    [InlineData("1E3", 1000L)] // E followed by digits is an exponent, not exa
    [InlineData("129e6", 129000000L)]
    [InlineData("0.1", 1L)] // a fraction of a byte rounds up
    [InlineData("1.0000001k", 1001L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Reads_what_kubernetes_reads(string text, long bytes)
    {
        Assert.True(ByteQuantity.TryParse(text, out var value, out var error), error);
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("99999999999999999999999Gi", "is more than 8 EiB (2^63 bytes)")] // was accepted
    [InlineData("8Ei", "is more than 8 EiB (2^63 bytes)")]
    [InlineData("10E", "is more than 8 EiB (2^63 bytes)")]
    [InlineData("9223372036854775808", "is more than 8 EiB (2^63 bytes)")]
    [InlineData("1K", "uses 'K': Kubernetes writes kilo as 'k' (1000) or 'Ki' (1024)")] // was accepted
    [InlineData("100m", "is in milli-bytes ('m'); write bytes, such as 512Mi")]
    [InlineData("1 Gi", "has a space before its unit; write it as 16Gi")]
    [InlineData("1gi", "has the unit 'gi', which is not one of Ki Mi Gi Ti Pi Ei (1024) or k M G T P E (1000)")]
    [InlineData("1GiB", "has the unit 'GiB', which is not one of Ki Mi Gi Ti Pi Ei (1024) or k M G T P E (1000)")]
    [InlineData("-1Gi", "is negative")]
    [InlineData("Gi", "does not start with a number")]
    [InlineData(".5Gi", "does not start with a number")]
    [InlineData("1.Gi", "does not start with a number")]
    [InlineData("1..2", "does not start with a number")]
    [InlineData("1e99", "has an exponent beyond ±30")]
    [InlineData("", "is not a quantity")]
    public void Refuses_with_the_reason(string text, string reason)
    {
        Assert.False(ByteQuantity.TryParse(text, out _, out var error));
        Assert.Equal(reason, error);
    }
}
