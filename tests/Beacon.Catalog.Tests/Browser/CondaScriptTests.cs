using Beacon.Conda.Records;
using Beacon.Conda.Specs;
using Beacon.TestSupport;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Catalog.Tests.Browser;

/// <summary>
/// The page's conda rules (conda.js) held to Beacon.Conda's in the browser: conda's 28,530 parsed versions are ordered
/// the same and refused the same, and a generated corpus of package specs matches (or is refused) the same versions.
/// </summary>
public class CondaScriptTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    private static List<string> CondaVersionTexts() =>
        Fixtures.ReadAllText("conda", "test-vectors", "rattler-parsed_versions.txt").Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l[..l.IndexOf('=')])
            .ToList();

    [SkippableFact]
    public async Task Condas_parsed_versions_are_read_and_ordered_as_Beacon_Conda_orders_them()
    {
        var texts = CondaVersionTexts();
        Assert.Equal(28530, texts.Count);
        await using var page = await chromium.OpenAsync(ExampleCatalog.WriteTo(ExampleCatalog.Data));

        var parsed = await page.Page.EvaluateFunctionAsync<bool[]>("texts => texts.map(t => BeaconConda.parseVersion(t) !== null)", texts);
        var refusedDifferently = texts.Where((t, i) => parsed[i] != Version.TryParse(t).Success).Take(10).ToList();
        Assert.True(refusedDifferently.Count == 0, "read differently: " + string.Join(", ", refusedDifferently));

        // Sorted by Beacon.Conda, each neighbour compares the same in the page; then 20,000 random pairs.
        var versions = texts.Where(t => Version.TryParse(t).Success).Select(Version.Parse).Order().ToList();
        var random = new Random(29);
        var pairs = Enumerable.Range(0, versions.Count - 1).Select(i => (versions[i], versions[i + 1]))
            .Concat(Enumerable.Range(0, 20_000).Select(_ => (versions[random.Next(versions.Count)], versions[random.Next(versions.Count)])))
            .ToList();
        var signs = await page.Page.EvaluateFunctionAsync<int[]>(
            "pairs => pairs.map(p => BeaconConda.compareVersions(BeaconConda.parseVersion(p[0]), BeaconConda.parseVersion(p[1])))",
            pairs.Select(p => new[] { p.Item1.Text, p.Item2.Text }).ToList());
        var differ = pairs.Where((p, i) => Math.Sign(p.Item1.CompareTo(p.Item2)) != signs[i]).Take(10).ToList();
        Assert.True(differ.Count == 0, "ordered differently: " + string.Join(", ", differ.Select(d => $"{d.Item1} vs {d.Item2}")));
        Assert.Empty(page.Errors);
    }

    [SkippableFact]
    public async Task Package_specs_match_and_are_refused_as_Beacon_Conda_matches_and_refuses_them()
    {
        string[] versions = ["0.9", "1.0", "1.0.0", "1.0.1", "1.1", "1.1a1", "1.1rc1", "1.1.dev0", "1.1.post1", "1.2", "1.2.3", "1.2.10", "1.20",
            "2", "2.0", "2.0.0", "2.1.0", "3.11.7", "3.12.0", "1!0.5", "1.0+local.1", "2024.1.1", "0.4.1_", "1.0.1a", "1.0.1_"];
        string[] builds = ["0", "py311h1234_0", "cuda118_py311_1", "h0_0"];
        var forms = new List<string>();
        foreach (var v in versions)
        {
            forms.AddRange([$"{v}", $"=={v}", $"!={v}", $">={v}", $">{v}", $"<={v}", $"<{v}", $"={v}", $"{v}.*", $"{v}*", $"!={v}.*", $"~={v}",
                $">={v},<3", $"<{v}|>=3", $"({v}|2.*),!=2.1.0", $"={v}=py311*", $"{v} cuda*", $"{v} 0",
                $"[version='>={v}']", $"[version={v}.*, build=py311*]", $"[version=\">={v},<3\",build=0]", $"{v}[build=cuda*]"]);
        }
        forms.AddRange(["*", "1.*.3", ">=>1", "=", "==", "1.2.*.*", ">=1 ,<2", "~=1", ">=1.0a", "<1.1.dev", "!=*", "1..2", "(1.0", "1.0)",
            "[version=1.0", "[version=1.0]x", "[version]", "[colour=red]", "[version='1.0]", "[build=a-b]", "[version=1.0 build=0]"]);
        var specs = forms.Select(f => "pkg " + f).Concat(forms.Select(f => "pkg" + f)).Distinct().ToList();
        var candidates = versions.SelectMany(v => builds.Select(b => (Version: v, Build: b))).ToList();

        var expected = specs.Select(text => MatchSpec.TryParse(text) is { Success: true } r
            ? candidates.Select(c => r.Value.Matches(new PackageRecord { Name = "pkg", Version = Version.Parse(c.Version), Build = c.Build, Subdir = "linux-64", FileName = "pkg.conda" }) ? '1' : '0').Aggregate("", (s, c) => s + c)
            : "refused").ToList();

        await using var page = await chromium.OpenAsync(ExampleCatalog.WriteTo(ExampleCatalog.Data));
        var actual = await page.Page.EvaluateFunctionAsync<string[]>(
            """
            (specs, candidates) => specs.map(text => {
              let spec;
              try { spec = BeaconConda.parseMatchSpec(text); } catch (e) { if (e instanceof BeaconConda.SpecError) return "refused"; throw e; }
              return candidates.map(c => spec.matches({ name: "pkg", version: c[0], build: c[1] }) ? "1" : "0").join("");
            })
            """, specs, candidates.Select(c => new[] { c.Version, c.Build }).ToList());
        var differ = specs.Select((s, i) => (Spec: s, Expected: expected[i], Actual: actual[i])).Where(x => x.Expected != x.Actual).Take(15).ToList();
        Assert.True(differ.Count == 0, $"{differ.Count}+ of {specs.Count} specs differ:\n" + string.Join("\n", differ.Select(d => $"'{d.Spec}': Beacon.Conda {d.Expected}, page {d.Actual}")));
        Assert.Contains("refused", expected);
        // Bracket forms are read (not merely refused on both sides) and select something.
        foreach (var read in new[] { "pkg[version='>=1.0']", "pkg [version=1.2.*, build=py311*]", "pkg 1.0[build=cuda*]" })
        {
            Assert.Contains('1', expected[specs.IndexOf(read)]);
        }
        Assert.True(specs.Count > 1000, $"{specs.Count} specs");
        Assert.Empty(page.Errors);
    }
}
