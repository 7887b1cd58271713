using Beacon.Layers.Diagnostics;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Diagnostics;

public class DiagnosticCodesTests
{
    [Fact]
    public void Every_code_has_a_summary_and_a_row_in_the_README_table()
    {
        var readme = File.ReadAllText(RepoPaths.RepoFile("README.md"));
        foreach (var code in Enum.GetValues<DiagnosticCode>())
        {
            Assert.True(DiagnosticCodes.Summaries.TryGetValue(code, out var summary), $"{code} has no summary");
            Assert.Contains($"| {DiagnosticCodes.Id(code)} | {summary} |", readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Compiler_format()
    {
        var d = Diagnostic.Error(new SourceLocation("layers/gpu-ml.yaml", 12, 5), DiagnosticCode.UnknownParent, "parent 'x' does not exist");
        Assert.Equal("layers/gpu-ml.yaml(12,5): error BEA0103: parent 'x' does not exist", d.ToString());
    }
}
