using System.Text.RegularExpressions;
using Beacon.Layers.Diagnostics;
using Beacon.TestSupport;

namespace Beacon.Cli.Tests;

/// <summary>
/// Every diagnostic code is pinned by a test: it appears in a corpus expectation (documents, the gate, commands), a
/// snapshot, or an assertion of a test that produces it (the Docker-backed ones run on a real engine).
/// </summary>
public partial class EveryCodeTests
{
    [Fact]
    public void Every_code_is_produced_and_pinned_somewhere()
    {
        var tests = RepoPaths.RepoFile("tests");
        var pinned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(tests, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)))
        {
            var name = Path.GetFileName(file);
            IEnumerable<string> lines = name.EndsWith(".cs", StringComparison.Ordinal)
                ? File.ReadLines(file).Where(l => l.Contains("Assert", StringComparison.Ordinal))
                : name is "expected.txt" || name.EndsWith(".verified.txt", StringComparison.Ordinal) || file.Contains("/Corpus/", StringComparison.Ordinal)
                    ? File.ReadLines(file)
                    : [];
            foreach (var line in lines)
            {
                foreach (Match m in CodeId().Matches(line))
                {
                    pinned.Add(m.Value);
                }
            }
        }
        var missing = Enum.GetValues<DiagnosticCode>().Select(DiagnosticCodes.Id).Where(id => !pinned.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "codes no test pins: " + string.Join(", ", missing));
    }

    [GeneratedRegex("BEA0[0-9]{3}")]
    private static partial Regex CodeId();
}
