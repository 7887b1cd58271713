using Beacon.Conda.Records;
using Beacon.Conda.Specs;
using Beacon.TestSupport;
using CsCheck;
using YamlDotNet.RepresentationModel;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Conda.Tests.Specs;

public class MatchSpecTests
{
    public static TheoryData<string, bool> RattlerSnapshots() => new()
    {
        { "rattler_conda_types__match_spec__parse__tests__test_from_string_Lenient.snap", false },
        { "rattler_conda_types__match_spec__parse__tests__test_from_string_Strict.snap", true },
    };

    /// <summary>Every case of rattler's MatchSpec snapshots: same fields, or rejected with the same message.</summary>
    [Theory]
    [MemberData(nameof(RattlerSnapshots))]
    public void Agrees_with_rattler_snapshot(string file, bool strict)
    {
        var text = Fixtures.ReadAllText("conda", "test-vectors", file);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text[(text.IndexOf("\n---\n", 4, StringComparison.Ordinal) + 5)..]));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.True(root.Children.Count >= 25, $"only {root.Children.Count} cases read");
        var failures = new List<string>();
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var input = ((YamlScalarNode)keyNode).Value!;
            var expected = (YamlMappingNode)valueNode;
            var parsed = strict ? MatchSpec.TryParseStrict(input) : MatchSpec.TryParse(input);
            if (expected.Children.TryGetValue(new YamlScalarNode("error"), out var error))
            {
                if (parsed.Success)
                {
                    failures.Add($"{input}: expected error '{error}', parsed as {parsed.Value}");
                }
                // Our messages may add detail (the offending text) after rattler's wording.
                else if (!parsed.Error!.Message.StartsWith(((YamlScalarNode)error).Value!, StringComparison.Ordinal))
                {
                    failures.Add($"{input}: expected error '{error}', got '{parsed.Error.Message}'");
                }
                continue;
            }
            if (!parsed.Success)
            {
                failures.Add($"{input}: {parsed.Error!.Message}");
                continue;
            }
            var actual = Describe(parsed.Value!);
            foreach (var (k, v) in expected.Children)
            {
                var key = ((YamlScalarNode)k).Value!;
                var want = key == "channel" ? ((YamlScalarNode)((YamlMappingNode)v).Children[new YamlScalarNode("name")]).Value : ((YamlScalarNode)v).Value;
                if (!actual.TryGetValue(key, out var got) || got != want)
                {
                    failures.Add($"{input}: {key} expected '{want}', got '{got}'");
                }
            }
            foreach (var key in actual.Keys.Where(k => !expected.Children.ContainsKey(new YamlScalarNode(k))))
            {
                failures.Add($"{input}: unexpected field {key}={actual[key]}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static Dictionary<string, string> Describe(MatchSpec s)
    {
        var d = new Dictionary<string, string> { ["name"] = s.Name };
        if (s.Version is not null) d["version"] = s.Version.ToString()!;
        if (s.Build is not null) d["build"] = s.Build.Pattern;
        if (s.BuildNumber is not null) d["build_number"] = s.BuildNumber.ToString();
        if (s.Channel is not null) d["channel"] = ChannelDisplayName(s.Channel);
        if (s.Subdir is not null) d["subdir"] = s.Subdir;
        if (s.Url is not null) d["url"] = s.Url;
        return d;
    }

    /// <summary>rattler names a URL channel by its path (https://c.com/p/conda → p/conda).</summary>
    private static string ChannelDisplayName(string channel) =>
        Uri.TryCreate(channel, UriKind.Absolute, out var uri) && uri.Scheme.StartsWith("http", StringComparison.Ordinal)
            ? uri.AbsolutePath.Trim('/')
            : channel;

    private static PackageRecord Record(string name, string version, string build, long buildNumber = 0) => new()
    {
        Name = name, Version = Version.Parse(version), Build = build, BuildNumber = buildNumber, Subdir = "linux-64",
        FileName = $"{name}-{version}-{build}.conda", Channel = "https://conda.anaconda.org/conda-forge",
    };

    [Theory]
    [InlineData("numpy=1.8", "numpy", "1.8.2", "py27_0", true)]   // fuzzy
    [InlineData("numpy 1.8", "numpy", "1.8.2", "py27_0", false)]  // exact
    [InlineData("numpy==1.8", "numpy", "1.8.2", "py27_0", false)]
    [InlineData("numpy=1.8=py27_0", "numpy", "1.8.2", "py27_0", false)]
    [InlineData("numpy=1.8=py27_0", "numpy", "1.8", "py27_0", true)]
    [InlineData("numpy 1.8.* py27*", "numpy", "1.8.2", "py27_0", true)]
    [InlineData("numpy 1.8.* py27*", "numpy", "1.8.2", "py36_0", false)]
    [InlineData("numpy >=1.8,<2", "numpy", "1.9", "x", true)]
    [InlineData("NumPy >=1.8", "numpy", "1.9", "x", true)]
    [InlineData("conda-forge::numpy", "numpy", "1.9", "x", true)]
    [InlineData("defaults::numpy", "numpy", "1.9", "x", false)]
    [InlineData("numpy[build_number='>0']", "numpy", "1.9", "x", false)]
    [InlineData("numpy[version='>=1.8,<2']", "numpy", "1.9", "x", true)]
    [InlineData("numpy 1.9 x[version=2.0]", "numpy", "1.9", "x", false)]
    [InlineData("scipy", "numpy", "1.9", "x", false)]
    public void Matches_records(string spec, string name, string version, string build, bool expected) =>
        Assert.Equal(expected, MatchSpec.Parse(spec).Matches(Record(name, version, build)));

    [Theory]
    [InlineData("numpy >=1.8,<2")]
    [InlineData("conda-forge/linux-64::numpy 1.8.* py27*")]
    [InlineData("numpy[build_number='>0', sha256=abc]")]
    [InlineData("python=3.9")]
    [InlineData("pytorch * cuda*")]
    // Found by the fuzz suite: each printed as text that read back as another spec.
    [InlineData("pkg[md5='0123\"f']")]
    [InlineData("python 3.11.**")]
    [InlineData("foo 1.0|*.*.*")]
    public void Canonical_text_round_trips(string spec)
    {
        var once = MatchSpec.Parse(spec);
        var again = MatchSpec.Parse(once.ToString());
        Assert.Equal(once.ToString(), again.ToString());
        Assert.Equal(once, again);
    }

    [Theory]
    [InlineData("numpy; rm -rf /")]
    [InlineData("numpy\nrm")]
    [InlineData(">=1.0")]
    [InlineData("numpy >=")]
    [InlineData("numpy[foo=bar]")]
    [InlineData("numpy[version=]")]
    [InlineData("numpy[version=1.0")]
    [InlineData("num$py")]
    [InlineData("numpy 1.0 bu;ld")]
    [InlineData("pkg[md5=0123\"f]")]
    [InlineData("pkg =^a*b")]
    [InlineData("python 3.11.* *_cpybuild=build=thon")]
    // Found by CI's longer fuzz run: a bracket in a channel was written before the spec's own brackets.
    [InlineData("pkg[channel=a[b,md5=0123456789abcdef0123456789abcdef]")]
    [InlineData("a[b::pkg")]
    // And seed 3otvsmgQ1wC2: a bracket subdir holding '=' and ']' was written into the channel part.
    [InlineData("conda-forge::pytorch[version='>=2', subdir=build=cuda*]]")]
    [InlineData("pytorch[subdir='linux 64']")]
    public void Rejects_hostile_or_broken_specs(string spec)
    {
        var r = MatchSpec.TryParse(spec);
        Assert.False(r.Success, $"'{spec}' parsed as {r.Value}");
    }
}

public class MatchSpecLimitTests
{
    [Fact]
    public void Canonical_forms_of_the_fuzz_findings()
    {
        Assert.Equal("pkg[md5='0123\"f']", MatchSpec.Parse("pkg[md5='0123\"f']").ToString());
        Assert.Equal("python 3.11.*", MatchSpec.Parse("python 3.11.**").ToString());
        Assert.Equal("foo ==1.0|*", MatchSpec.Parse("foo 1.0|*.*.*").ToString());
    }

    [Fact]
    public void A_spec_longer_than_the_limit_is_refused()
    {
        // Up to the limit, any text is read (the version/build split is a linear scan, no longer a backtracking regex).
        Assert.Equal("numpy ==1.0", MatchSpec.Parse("numpy" + new string(' ', 4_000) + "1.0").ToString());
        var tooLong = MatchSpec.TryParse("numpy 1.0 " + new string('a', MatchSpec.MaxLength));
        Assert.False(tooLong.Success);
        Assert.Equal($"a package spec of {MatchSpec.MaxLength + 10} characters; at most {MatchSpec.MaxLength} are allowed", tooLong.Error!.Message);
    }
}

public class MatchSpecPropertyTests
{
    private static readonly Gen<string> Version =
        Gen.Int[0, 40].Array[1, 3].Select(parts => string.Join('.', parts));

    private static readonly Gen<string> VersionSpecText = Gen.OneOf(
        Version,
        Version.Select(v => v + ".*"),
        Gen.Select(Gen.OneOf<string>(">=", "<", "<=", ">", "!=", "=="), Version).Select((op, v) => op + v),
        Gen.Select(Version, Version).Select((a, b) => $">={a},<{b}"),
        Gen.Select(Version, Version).Select((a, b) => $"{a}.*|>={b}"));

    private static readonly Gen<string> SpecText = Gen.Select(
        Gen.OneOf<string>("numpy", "python", "r-base", "libgcc-ng", "_openmp_mutex", "python_abi"),
        Gen.OneOf(Gen.Const(""), VersionSpecText.Select(v => " " + v)),
        Gen.OneOf<string>("", " py311*", " *_cp311", " 0"),
        Gen.OneOf<string>("", "conda-forge::", "conda-forge/linux-64::"))
        .Select((name, version, build, channel) => channel + name + (build.Length > 0 && version.Length == 0 ? " *" : version) + build);

    [Fact]
    public void Canonical_text_parses_back_to_an_equal_spec()
    {
        SpecText.Sample(text =>
        {
            var parsed = Beacon.Conda.Specs.MatchSpec.TryParse(text);
            Assert.True(parsed.Success, $"{text}: {parsed.Error?.Message}");
            var again = Beacon.Conda.Specs.MatchSpec.Parse(parsed.Value!.ToString());
            Assert.Equal(parsed.Value, again);
            Assert.Equal(parsed.Value.ToString(), again.ToString());
        }, iter: 5_000);
    }
}
