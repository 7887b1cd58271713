using Beacon.Conda.Versions;
using Beacon.TestSupport;
using CsCheck;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Conda.Tests.Versions;

public class VersionTests
{
    private static IEnumerable<(string Text, string Expected)> CondaVectors() =>
        Fixtures.ReadAllText("conda", "test-vectors", "rattler-parsed_versions.txt").Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (l[..l.IndexOf('=')], l[(l.IndexOf('=') + 1)..]));

    [Fact]
    public void Every_conda_parsed_version_gives_condas_segments()
    {
        var vectors = CondaVectors().ToList();
        Assert.Equal(28530, vectors.Count);
        var mismatches = vectors
            .Select(v => (v.Text, v.Expected, Actual: Version.TryParse(v.Text) is { Success: true } r ? r.Value.ToCondaNotation() : "error"))
            .Where(v => v.Actual != v.Expected)
            .Take(20)
            .ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Select(m => $"{m.Text}: conda {m.Expected}, ours {m.Actual}")));
    }

    [Fact]
    public void Rattler_version_snapshot_cases_agree()
    {
        var text = Fixtures.ReadAllText("conda", "test-vectors", "rattler_conda_version__version__parse__test__parse.snap");
        var cases = System.Text.RegularExpressions.Regex.Matches(text,
            "\\n    \"(?<key>(?:[^\"\\\\]|\\\\.)*)\": (?:Error\\(\\s*\"(?<err>[^\"]*)\"|Version\\(\\s*Version \\{\\s*version: (?<ver>\\[.*?\\]\\]),\\s*local: (?<loc>\\[.*?\\]),)",
            System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(cases.Count >= 15, $"only {cases.Count} cases read");
        foreach (System.Text.RegularExpressions.Match c in cases)
        {
            var parsed = Version.TryParse(c.Groups["key"].Value);
            if (c.Groups["err"].Success)
            {
                Assert.False(parsed.Success, $"'{c.Groups["key"].Value}' should be rejected ({c.Groups["err"].Value})");
            }
            else
            {
                Assert.True(parsed.Success, $"'{c.Groups["key"].Value}': {parsed.Error}");
                Assert.Equal(c.Groups["ver"].Value, parsed.Value!.ToCondaNotation());
                var local = c.Groups["loc"].Value;
                Assert.Equal(local == "[]" ? "[]" : local, parsed.Value.LocalToCondaNotation());
            }
        }
    }

    [Theory]
    // The ordering chain from CEP 29 / conda's docs, each strictly below the next.
    [InlineData("1.1dev1", "1.1_")]
    [InlineData("1.1_", "1.1a1")]
    [InlineData("1.1a1", "1.1.dev1")]
    [InlineData("1.1.0dev1", "1.1.a1")]
    [InlineData("1.1.a1", "1.1.0rc1")]
    [InlineData("1.1.0rc1", "1.1")]
    [InlineData("1.1", "1.1.post1")]
    [InlineData("1.0.1_", "1.0.1a")]
    [InlineData("0.4.1+local", "0.4.1")]
    [InlineData("0.4.1", "0.4.1+1.local")]
    [InlineData("1.9", "1!0.1")]
    [InlineData("2.0a1", "2")]
    [InlineData("1.0.0rc1", "1.0.0")]
    [InlineData("1.2", "1.10")]
    public void Orders_like_conda(string lower, string higher)
    {
        var a = Version.Parse(lower);
        var b = Version.Parse(higher);
        Assert.True(a < b, $"{lower} < {higher}");
        Assert.True(b > a);
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("1.1", "1.1.0.0")]
    [InlineData("1.1.dev1", "1.1.0dev1")]
    [InlineData("2018.03.07", "2018.3.7")]
    [InlineData("0.4.1", "0.4.1+0")]
    [InlineData("1.0-1", "1.0_1")]
    [InlineData("1.0RC1", "1.0rc1")]
    public void Equal_versions_are_equal_and_hash_alike(string x, string y)
    {
        var a = Version.Parse(x);
        var b = Version.Parse(y);
        Assert.Equal(a, b);
        Assert.Equal(0, a.CompareTo(b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1..2")]
    [InlineData("1!2!3")]
    [InlineData("a!1")]
    [InlineData("1+2+3")]
    [InlineData("+1")]
    [InlineData("1-2_3")]
    [InlineData("1.0 ; rm -rf /")]
    [InlineData("1.0\n2")]
    public void Rejects_invalid_versions_with_a_message(string text)
    {
        var r = Version.TryParse(text);
        Assert.False(r.Success);
        Assert.False(string.IsNullOrWhiteSpace(r.Error!.Message));
    }

    private static readonly Gen<string> VersionText =
        Gen.Select(
            Gen.Int[0, 2].Select(e => e == 0 ? "" : e + "!"),
            Gen.OneOf(Gen.Int[0, 30].Select(i => i.ToString()), Gen.OneOf<string>("a", "b", "rc", "dev", "post", "_"))
                .Array[1, 3].Select(parts => string.Concat(parts)).Where(s => char.IsDigit(s[0]) && !s.EndsWith('_'))
                .Array[1, 4].Select(s => string.Join('.', s)),
            Gen.OneOf<string>("", "+1", "+local", "+1.abc"))
        .Select((e, main, local) => e + main + local);

    [Fact]
    public void Ordering_is_a_total_order_consistent_with_equality()
    {
        Gen.Select(VersionText, VersionText, VersionText).Sample((x, y, z) =>
        {
            var a = Version.Parse(x);
            var b = Version.Parse(y);
            var c = Version.Parse(z);
            Assert.Equal(Math.Sign(a.CompareTo(b)), -Math.Sign(b.CompareTo(a)));
            Assert.Equal(a.CompareTo(b) == 0, a.Equals(b));
            if (a.Equals(b))
            {
                Assert.Equal(a.GetHashCode(), b.GetHashCode());
            }
            if (a <= b && b <= c)
            {
                Assert.True(a <= c, $"{x} <= {y} <= {z}");
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Format_of_parse_round_trips()
    {
        VersionText.Sample(x =>
        {
            var v = Version.Parse(x);
            Assert.Equal(x, v.ToString());
            Assert.Equal(v, Version.Parse(v.ToString()));
        }, iter: 5_000);
    }
}
