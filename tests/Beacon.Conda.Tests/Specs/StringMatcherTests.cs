using System.Text.RegularExpressions;
using Beacon.Conda.Specs;
using CsCheck;

namespace Beacon.Conda.Tests.Specs;

public class StringMatcherTests
{
    [Fact]
    public void A_glob_matches_exactly_what_the_equivalent_regex_matches()
    {
        var text = Gen.Char['a', 'c'].Array[0, 8].Select(c => new string(c));
        var glob = Gen.OneOf(Gen.Char['a', 'c'], Gen.Const('*')).Array[0, 6].Select(c => new string(c)).Where(p => p.Contains('*'));
        Gen.Select(glob, text).Sample((pattern, value) =>
        {
            var oracle = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$");
            Assert.Equal(oracle.IsMatch(value), StringMatcher.TryCreate(pattern).Value!.Matches(value));
        }, iter: 20_000);
    }

    [Theory]
    [InlineData("py311*", "py311h64a7726_0", true)]
    [InlineData("*_cp311", "h0_cp311", true)]
    [InlineData("*cuda*", "cuda120_py311h", true)]
    [InlineData("a*a", "a", false)]
    [InlineData("a*a", "aa", true)]
    [InlineData("*", "", true)]
    public void Globs(string pattern, string value, bool matches) => Assert.Equal(matches, StringMatcher.TryCreate(pattern).Value!.Matches(value));

    [Fact]
    public void A_long_glob_is_cheap_and_a_long_regex_is_refused_when_parsed()
    {
        // Found by the fuzz suite: a 2,500-character glob was compiled to a non-backtracking regex whose automaton
        // exceeded the engine's limit, and NotSupportedException escaped MatchSpec.TryParse.
        var glob = "*_cpytho" + new string('a', 2_500) + "*";
        Assert.True(MatchSpec.TryParse("python 3.11.* " + glob).Success);
        Assert.False(StringMatcher.TryCreate(glob).Value!.Matches("hab00c5b_0_cpython"));

        var regex = MatchSpec.TryParse("python 3.11.* ^" + new string('a', 300) + "$");
        Assert.False(regex.Success);
        Assert.Contains("is a regular expression of 302 characters; at most 256 are allowed", regex.Error!.Message, StringComparison.Ordinal);
    }
}
