using Beacon.Conda.Versions;
using Beacon.TestSupport;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Conda.Tests.Versions;

public class VersionSpecTests
{
    [Theory]
    [InlineData("1.2", "1.2.0", true)]
    [InlineData("1.2", "1.2.5", false)]
    [InlineData("1.2.*", "1.2.5", true)]
    [InlineData("1.2.*", "1.20", false)]
    [InlineData("1.2*", "1.2.5", true)]
    [InlineData("=1.2", "1.2.5", true)]
    [InlineData("=1.2", "1.20", false)]
    [InlineData("<2", "2.0a1", true)]
    [InlineData(">=1.0.0", "1.0.0rc1", false)]
    [InlineData(">=1.0,<2|==3.0", "3.0", true)]
    [InlineData(">=1.0,<2|==3.0", "2.5", false)]
    [InlineData(">=1.0,(<2|>3)", "3.5", true)]
    [InlineData(">=1.0,(<2|>3)", "2.5", false)]
    [InlineData("1.5|>=2,<3", "2.5", true)]
    [InlineData("!=1.2.*", "1.2.5", false)]
    [InlineData("!=1.2.*", "1.3", true)]
    [InlineData("~=1.2.3", "1.2.9", true)]
    [InlineData("~=1.2.3", "1.3.0", false)]
    [InlineData("~=1.2.3", "1.2.2", false)]
    [InlineData("*", "0.0.1", true)]
    [InlineData("1.*.3", "1.7.3", true)]
    [InlineData("1.*.3", "1.7.4", false)]
    [InlineData(">=1!1.0", "2.0", false)]
    [InlineData("3.6.*", "3.6.5", true)]
    [InlineData(">=3.6,<3.7.0a0", "3.7.0", false)]
    [InlineData("<3.7.0a0", "3.7.0rc1", false)]
    public void Matches_like_conda(string spec, string version, bool expected)
    {
        var parsed = VersionSpec.TryParse(spec);
        Assert.True(parsed.Success, parsed.Error?.Message);
        Assert.Equal(expected, parsed.Value!.Matches(Version.Parse(version)));
    }

    [Theory]
    [InlineData(">=1.0,<2|==3.0")]
    [InlineData("1.2.*")]
    [InlineData(">=1.0,(<2|>3)")]
    [InlineData("~=1.2.3")]
    [InlineData("!=1.2.*")]
    public void Canonical_text_parses_back_to_the_same_spec(string spec)
    {
        var once = VersionSpec.Parse(spec);
        Assert.Equal(once, VersionSpec.Parse(once.ToString()));
        Assert.Equal(once.ToString(), VersionSpec.Parse(once.ToString()).ToString());
    }

    [Theory]
    [InlineData(">=")]
    [InlineData(">=1.0,")]
    [InlineData("(>=1.0")]
    [InlineData("~=1.*")]
    [InlineData("=>1.0")]
    [InlineData("^1.0$")]
    public void Rejects_broken_specs(string spec) => Assert.False(VersionSpec.TryParse(spec).Success);

    [Fact]
    public void Strict_mode_wants_an_operator_on_a_bare_version()
    {
        var expected = Fixtures.ReadAllText("conda", "test-vectors", "rattler_conda_version__version_spec__parse__test__exact_strict.snap")
            .Split("---\n")[^1].Trim();
        Assert.Equal(expected, VersionSpec.TryParseStrict("1.2.3").Error!.Message);
        Assert.True(VersionSpec.TryParse("1.2.3").Success);
    }
}
