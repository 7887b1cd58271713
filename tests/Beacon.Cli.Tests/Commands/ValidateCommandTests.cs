using Beacon.Cli.Hosting;
using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>The real CLI process: exit codes, where output goes, and never a stack trace.</summary>
public class ValidateCommandTests
{
    [Fact]
    public void Valid_example_exits_0()
    {
        var r = ProcessRunner.Beacon(RepoPaths.Root, "validate");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("valid: 7 layers, 8 workloads, 5 stacks\n", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void Broken_repository_exits_2_with_compiler_format_diagnostics_on_stderr()
    {
        using var repo = new TempRepo();
        repo.Write("layers/core.yaml", "name: core\nplatform: linux-64\nbase-image: debian:12\n");
        repo.Write("layers/child.yaml", "name: child\nparent: cor\ndependancies: [numpy]\n");
        var r = ProcessRunner.Beacon(repo.Root, "validate");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal(
            "layers/child.yaml(2,9): error BEA0103: parent 'cor' of layer 'child' does not exist; did you mean 'core'?\n" +
            "layers/child.yaml(3,1): error BEA0010: unknown key 'dependancies' in a layer; did you mean 'dependencies'?\n" +
            "invalid: 2 errors\n",
            r.Stderr);
    }

    [Fact]
    public void Json_output_lists_diagnostics()
    {
        using var repo = new TempRepo();
        repo.Write("layers/core.yaml", "name: Core\n");
        var r = ProcessRunner.Beacon(repo.Root, "validate", "--json");
        Assert.Equal(2, r.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        var codes = doc.RootElement.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("code").GetString()).ToList();
        Assert.Contains("BEA0100", codes);
        Assert.Equal(1, doc.RootElement.GetProperty("diagnostics")[0].GetProperty("line").GetInt32());
    }

    [Fact]
    public void Path_argument_selects_the_repository()
    {
        var r = ProcessRunner.Beacon(Path.GetTempPath(), "validate", RepoPaths.Root);
        Assert.Equal(0, r.ExitCode);
    }

    [Theory]
    [InlineData("validate", "--no-such-option")]
    [InlineData("no-such-command")]
    [InlineData("graph", "--format", "png")]
    public void Command_line_mistakes_exit_2_without_a_stack_trace(params string[] args)
    {
        var r = ProcessRunner.Beacon(RepoPaths.Root, args);
        Assert.Equal(2, r.ExitCode);
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", r.Stdout + r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_repository_folder_is_invalid_input()
    {
        var r = ProcessRunner.Beacon(Path.GetTempPath(), "validate", "/no/such/folder");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("BEA0006", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_is_available_for_every_command()
    {
        // Every command and subcommand of the command table, walked rather than listed, so a new one is covered.
        static IEnumerable<string[]> Paths(System.CommandLine.Command command, string[] prefix) =>
            command.Subcommands.SelectMany(c => Paths(c, [.. prefix, c.Name]).Prepend([.. prefix, c.Name]));
        var paths = Paths(BeaconApp.Root(CliConsole.FromProcess()), []).ToList();
        Assert.True(paths.Count >= 26, $"{paths.Count} commands");
        foreach (var path in paths)
        {
            var r = InProcess.Beacon(RepoPaths.Root, [.. path, "--help"]);
            var name = string.Join(' ', path);
            Assert.True(r.ExitCode == 0, $"beacon {name} --help: exit {r.ExitCode}\n{r.Stderr}");
            // The usage line names the command after the executable's name (the test host's, in process).
            Assert.Matches($@"Usage:\n  \S+ {System.Text.RegularExpressions.Regex.Escape(name)}( |\n)", r.Stdout);
            Assert.Equal("", r.Stderr);
        }
        // The executable names itself.
        var process = ProcessRunner.Beacon(RepoPaths.Root, "kernels", "install", "--help");
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("Usage:\n  beacon kernels install [options]\n", process.Stdout, StringComparison.Ordinal);
    }
}

public class ExplainCommandTests
{
    [Fact]
    public void Explains_a_code_and_lists_them_all()
    {
        var one = ProcessRunner.Beacon(RepoPaths.Root, "explain", "bea0104");
        Assert.Equal(0, one.ExitCode);
        Assert.Equal("BEA0104 (ParentCycle): Layers are each other's parents.\n", one.Stdout);
        var all = ProcessRunner.Beacon(RepoPaths.Root, "explain");
        Assert.Contains("BEA0412  No layer deployed by the stack", all.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, ProcessRunner.Beacon(RepoPaths.Root, "explain", "BEA9999").ExitCode);
    }
}
