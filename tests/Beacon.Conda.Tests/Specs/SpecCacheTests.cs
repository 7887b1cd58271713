using Beacon.Conda.Specs;

namespace Beacon.Conda.Tests.Specs;

public sealed class SpecCacheTests
{
    /// <summary>The cache gives what MatchSpec.TryParse gives — the same spec object for the same text, and the same error for bad text.</summary>
    [Theory]
    [InlineData("numpy >=1.26,<2")]
    [InlineData("python_abi 3.11.* *_cp311")]
    [InlineData("pkg[version='>=2', build=py311*]")]
    [InlineData("not a ( spec")]
    public void A_cached_parse_is_the_parse(string text)
    {
        var direct = MatchSpec.TryParse(text);
        var first = SpecCache.TryParse(text);
        var second = SpecCache.TryParse(text);
        Assert.Equal(direct.Success, first.Success);
        if (direct.Success)
        {
            Assert.Equal(direct.Value!.ToString(), first.Value!.ToString());
            Assert.Same(first.Value, second.Value);
        }
        else
        {
            Assert.Equal(direct.Error.Message, first.Error!.Message);
        }
    }
}
