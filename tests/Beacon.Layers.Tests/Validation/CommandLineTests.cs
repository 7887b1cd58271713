using Beacon.Layers.Validation;

namespace Beacon.Layers.Tests.Validation;

/// <summary>A one-string command is split the way a shell splits words, and nothing else a shell does is pretended.</summary>
public class CommandLineTests
{
    [Theory]
    [InlineData("python -m http.server", new[] { "python", "-m", "http.server" })]
    [InlineData("  python   -m  app  ", new[] { "python", "-m", "app" })]
    [InlineData("python -c 'print(1)'", new[] { "python", "-c", "print(1)" })]
    [InlineData("echo \"a \\\"b\\\" c\"", new[] { "echo", "a \"b\" c" })]
    [InlineData("echo a\\ b", new[] { "echo", "a b" })]
    [InlineData("echo 'it''s'", new[] { "echo", "its" })]
    [InlineData("echo ''", new[] { "echo", "" })]
    public void Splits_like_a_shell(string text, string[] expected)
    {
        Assert.Equal(expected, CommandLine.Split(text, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("python -m report | tee out", "'|' is shell syntax")]
    [InlineData("echo $HOME", "'$' is shell syntax")]
    [InlineData("ls *.txt", "'*' is shell syntax")]
    [InlineData("a && b", "'&' is shell syntax")]
    [InlineData("echo \"$HOME\"", "inside double quotes would be expanded")]
    [InlineData("echo 'open", "a single quote is not closed")]
    [InlineData("echo \"open", "a double quote is not closed")]
    [InlineData("echo \\", "lone backslash")]
    [InlineData("   ", "the command is empty")]
    public void Refuses_what_only_a_shell_would_do(string text, string expected)
    {
        Assert.Null(CommandLine.Split(text, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
