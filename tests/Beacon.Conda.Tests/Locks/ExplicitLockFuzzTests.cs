using Beacon.Conda.Locks;
using Beacon.TestSupport;
using Xunit.Abstractions;

namespace Beacon.Conda.Tests.Locks;

/// <summary>
/// Fuzz (issue 10): the explicit-lock reader over mutated real locks (the example's committed ones). Every input parses
/// or gives a positioned error — no exception, no hang — and what parses writes back to text that parses the same.
/// </summary>
public class ExplicitLockFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Seeds = Directory.GetFiles(RepoPaths.RepoFile("layers"), "*.lock").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();

    private static readonly string[] Tokens =
    [
        "\n", "\r\n", "#", "# platform: ", "# beacon-lock: ", "@EXPLICIT\n", "https://", "http://", "file:///etc/", "#sha256:", "#md5:", "/", ".conda",
        ".tar.bz2", "-", "linux-64", "noarch", "osx-64", "%2e%2e/", "../", "?", "&", " ", "\t", "\0", "\u202e", "\ud800", "0", "f", "# requires-virtual: ",
    ];

    [Fact]
    public void Mutated_locks_parse_or_give_a_positioned_error()
    {
        Fuzz.Run("explicit lock", Mutations.Of(Seeds, Tokens), text =>
        {
            var parsed = ExplicitLock.Parse(text);
            if (!parsed.Success)
            {
                Assert.False(string.IsNullOrEmpty(parsed.Error!.Message));
                Assert.True(parsed.Error.Position >= 0);
                return;
            }
            var again = ExplicitLock.Parse(parsed.Value!.Write());
            Assert.True(again.Success, again.Error?.Message);
            Assert.Equal(parsed.Value.Packages.Select(p => p.Url), again.Value!.Packages.Select(p => p.Url));
        }, output, Fuzz.Show);
    }
}
