using Beacon.Layers.Diagnostics;
using Beacon.Layers.Policy;
using Beacon.TestSupport;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Layers.Tests.Policy;

/// <summary>
/// Reading OSV: the two real advisories vendored under tests/fixtures/osv, and small documents written here to reach
/// the parts of the format those two do not use (last_affected, listed versions, an API answer, other ecosystems).
/// </summary>
public class OsvTests
{
    private static IReadOnlyList<Advisory> Read(string text)
    {
        var bag = new DiagnosticBag();
        var read = Osv.Read("advisories/test.json", text, bag);
        Assert.Empty(bag.Items);
        return read;
    }

    private static bool Affects(Advisory a, string version) => a.Affected.Any(p => p.Affects(Version.Parse(version)));

    [Fact]
    public void The_real_requests_advisory_affects_versions_before_its_fix()
    {
        var advisory = Read(File.ReadAllText(RepoPaths.RepoFile("tests", "fixtures", "osv", "GHSA-9wx4-h78v-vm56.json"))).Single();
        Assert.Equal("GHSA-9wx4-h78v-vm56", advisory.Id);
        Assert.True(advisory.Names("CVE-2024-35195"));
        Assert.Equal("requests", advisory.Affected.Single().Name);
        Assert.True(Affects(advisory, "2.31.0"));
        Assert.True(Affects(advisory, "0.1"));
        Assert.True(Affects(advisory, "2.32.1"));
        Assert.False(Affects(advisory, "2.32.2"));
        Assert.False(Affects(advisory, "3.0"));
    }

    [Fact]
    public void Ranges_with_last_affected_several_introductions_and_listed_versions()
    {
        const string text = """
            {"vulns": [{"id": "PYSEC-2099-1", "aliases": ["CVE-2099-1"], "summary": "two ranges",
              "affected": [
                {"package": {"ecosystem": "PyPI", "name": "Typing_Extensions"},
                 "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.5"}, {"introduced": "2.0"}, {"last_affected": "2.3"}]}],
                 "versions": ["0.9.1"]},
                {"package": {"ecosystem": "npm", "name": "left-pad"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}]}
            """;
        var advisory = Read(text).Single();
        var affected = Assert.Single(advisory.Affected);
        Assert.Equal("typing-extensions", affected.Name);
        foreach (var (version, expected) in new[] { ("0.9", false), ("0.9.1", true), ("1.0", true), ("1.4.9", true), ("1.5", false), ("1.9", false), ("2.0", true), ("2.3", true), ("2.3.1", false) })
        {
            Assert.True(expected == Affects(advisory, version), version);
        }
    }

    [Fact]
    public void Files_that_are_not_osv_are_refused_with_a_positioned_diagnostic()
    {
        var bag = new DiagnosticBag();
        Assert.Empty(Osv.Read("advisories/deep.json", new string('[', 100) + new string(']', 100), bag));
        Assert.Empty(Osv.Read("advisories/no-id.json", "{\"affected\": []}", bag));
        Assert.Equal(2, bag.Items.Count);
        Assert.All(bag.Items, d => Assert.Equal(DiagnosticCode.InvalidAdvisory, d.Code));
    }

    [Theory]
    [InlineData("Typing_Extensions", "typing-extensions")]
    [InlineData("zope.interface", "zope-interface")]
    [InlineData("a--b__c", "a-b-c")]
    public void PyPI_names_are_normalised_as_pep_503_says(string name, string expected) => Assert.Equal(expected, Osv.Normalise(name));
}
