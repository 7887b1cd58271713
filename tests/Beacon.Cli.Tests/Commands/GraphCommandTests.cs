using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

public class GraphCommandTests
{
    [Fact]
    public void Text_graph_of_the_example()
    {
        var r = InProcess.Beacon(RepoPaths.Root, "graph");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("core  (production", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("│   └── gpu-ml-nightly  (experimental · hardware gpu", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Mermaid_graph_is_deterministic()
    {
        var a = InProcess.Beacon(RepoPaths.Root, "graph", "--format", "mermaid");
        var b = InProcess.Beacon(RepoPaths.Root, "graph", "--format", "mermaid");
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Stdout, b.Stdout);
        Assert.StartsWith("graph TD\n", a.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Graph_of_an_invalid_repository_exits_2()
    {
        using var repo = new TempRepo();
        repo.Write("layers/a.yaml", "name: a\nparent: b\n");
        repo.Write("layers/b.yaml", "name: b\nparent: a\n");
        var r = InProcess.Beacon(repo.Root, "graph");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error BEA0104: layers form a cycle: a → b → a", r.Stderr, StringComparison.Ordinal);
    }
}
