using Beacon.Conda.Records;
using Beacon.Conda.Specs;
using Beacon.Conda.Versions;
using Beacon.TestSupport;
using Xunit.Abstractions;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Conda.Tests.Specs;

/// <summary>
/// Fuzz (issue 10): MatchSpec, VersionSpec and Version parsers over mutated specs. Every input either parses or gives
/// a parse error — never another exception, never a hang; what parses prints back to text that parses to an equal
/// spec, and matching it against records does not throw.
/// </summary>
public class SpecFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Seeds =
    [
        "numpy >=1.21,<2", "python 3.11.* *_cpython", "conda-forge::pytorch[version='>=2', build=cuda*]", "blas=*=openblas",
        "libgcc-ng >=12", "foo 1.0|2.0 *", "bar ((>=1,<2)|>3.1.*)", "baz ~=1.2.3", "qux !=1.0", "x=1.2=py*", "pkg ^py3.*$",
        "conda-forge/linux-64::numpy 1.26.* py311*", "r-base[version='>=4.3,<4.4.0a0', build_number='>=2']", "pkg[md5=0123456789abcdef0123456789abcdef]",
        "openssl 3.*,!=3.0.0", "__cuda >=12.4", "_openmp_mutex * *_gnu", "python_abi 3.11.* *_cp311", "pip", "a 1.0.0rc1|1.0.0.post2|1!2.0",
    ];

    private static readonly string[] Tokens =
    [
        "(", ")", "|", ",", "[", "]", "=", "==", ">=", "<", "*", "::", "/", "'", "\"", "!", "~=", "^", "$", " ", ".", "..", "1!", "+local",
        "_", "-", "\0", "\u00e9", "\u202e", "\ud800", "version=", "build=", "build_number=", "channel=", "subdir=", "((", "))", ".*", "@",
    ];

    private static readonly PackageRecord[] Records =
    [
        Record("numpy", "1.26.4", "py311h64a7726_0"), Record("python", "3.11.8", "hab00c5b_0_cpython"), Record("foo", "1.0", "0"),
        Record("bar", "1!2.0.post1", "py_3"), Record("x", "1.2.3rc1", "h0"),
    ];

    private static PackageRecord Record(string name, string version, string build) => new()
    {
        Name = name, Version = Version.Parse(version), Build = build, Subdir = "linux-64", FileName = $"{name}-{version}-{build}.conda",
        Channel = "https://conda.anaconda.org/conda-forge",
    };

    [Fact]
    public void MatchSpec_never_throws_and_what_parses_round_trips()
    {
        Fuzz.Run("MatchSpec", Mutations.Of(Seeds, Tokens), text =>
        {
            var parsed = MatchSpec.TryParse(text);
            if (!parsed.Success)
            {
                Assert.False(string.IsNullOrEmpty(parsed.Error!.Message));
                return;
            }
            var canonical = parsed.Value!.ToString();
            if (canonical.Length > MatchSpec.MaxLength)
            {
                return; // quoting can lengthen a spec just under the limit past it: the limit is on what people write
            }
            var again = MatchSpec.TryParse(canonical);
            Assert.True(again.Success, $"'{parsed.Value}' (from '{text}') does not parse back: {again.Error?.Message}");
            Assert.Equal(parsed.Value.ToString(), again.Value!.ToString());
            foreach (var record in Records)
            {
                parsed.Value.Matches(record);
            }
        }, output, Fuzz.Show);
    }

    /// <summary>
    /// Found by CI's longer fuzz run (seed 4ikVDIX7qUM2): a version ending in an operator character followed by a build
    /// ("8.11.*!  0.11.*") printed as "8.11.*! 0.11.*", which reads back as one version. Such a pair is printed in brackets.
    /// </summary>
    [Theory]
    [InlineData("python_abi 8.11.*!  0.11.*", "python_abi[version=\"8.11.*!\", build=\"0.11.*\"]")]
    [InlineData("python_abi 8.11.*!!!  0.11.* ", "python_abi[version=\"8.11.*!!!\", build=\"0.11.*\"]")]
    [InlineData("python 3.11.* 0_cpython", "python 3.11.* 0_cpython")]
    public void A_version_ending_in_an_operator_keeps_its_build_apart(string text, string canonical)
    {
        var parsed = MatchSpec.Parse(text);
        Assert.Equal(canonical, parsed.ToString());
        var again = MatchSpec.Parse(parsed.ToString());
        Assert.Equal(parsed.Version?.ToString(), again.Version?.ToString());
        Assert.Equal(parsed.Build?.Pattern, again.Build?.Pattern);
    }

    [Fact]
    public void VersionSpec_and_Version_never_throw()
    {
        var versions = Seeds.Select(s => s.Split(' ').Skip(1).FirstOrDefault() ?? "1.0").Concat(["1.2.3", "1!2.0a1.post3.dev4+local.7", "2024.02.01"]).ToArray();
        Fuzz.Run("VersionSpec+Version", Mutations.Of(versions, Tokens), text =>
        {
            var spec = VersionSpec.TryParse(text);
            if (spec.Success)
            {
                Assert.True(VersionSpec.TryParse(spec.Value!.ToString()).Success, $"'{spec.Value}' (from '{text}') does not parse back");
                foreach (var record in Records)
                {
                    spec.Value.Matches(record.Version);
                }
            }
            if (Version.TryParse(text) is { Success: true } version)
            {
                Assert.Equal(0, version.Value!.CompareTo(Version.Parse(version.Value.ToString())));
            }
        }, output, Fuzz.Show);
    }
}
