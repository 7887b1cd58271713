using System.Text.RegularExpressions;
using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>
/// Every command Beacon prints as advice is run as printed (issue 20 item 6): for each way a repository commonly goes
/// wrong, the failing command's advice (each <c>'beacon …'</c> it quotes) is executed on the scratch repository, and
/// then the failing command passes. Hints with a placeholder (fork's &lt;spec&gt;), `beacon add` advice and the
/// advice of `up`, `init` and `kernels` have their own tests next to their commands.
/// </summary>
public sealed partial class AdviceTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-cli-advice-");

    public AdviceTests() => _repo.CopyExample();

    private ProcessResult Beacon(params string[] args) => InProcess.Beacon(_repo.Root, args);

    /// <summary>Runs each quoted beacon command of the failure's output, in order, once; returns what they printed.</summary>
    private List<(string Command, ProcessResult Result)> Follow(ProcessResult failed)
    {
        var commands = QuotedCommand().Matches(failed.Stderr + failed.Stdout).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(commands);
        return commands.Select(c => (c, Beacon(c.Split(' ')[1..]))).ToList();
    }

    private void EditFile(string relative, string from, string to)
    {
        var text = File.ReadAllText(_repo.Path_(relative));
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(_repo.Path_(relative), text.Replace(from, to, StringComparison.Ordinal));
    }

    public static TheoryData<string> Breakages() => new() { "dependency-added", "owner-changed", "lock-line-appended" };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Following_checks_advice_as_printed_makes_check_pass(string breakage)
    {
        switch (breakage)
        {
            case "dependency-added":
                EditFile("layers/notebook.yaml", "  - jupyter_server\n", "  - jupyter_server\n  - tqdm\n");
                break;
            case "owner-changed":
                _repo.Write(".github/CODEOWNERS", File.ReadAllText(RepoPaths.RepoFile(".github", "CODEOWNERS")));
                Assert.Equal(0, Beacon("check").ExitCode);
                EditFile("layers/notebook.yaml", "@acme/quant-research", "@acme/quants");
                break;
            case "lock-line-appended":
                File.AppendAllText(_repo.Path_("layers/core.lock"), "# edited by hand\n");
                break;
        }
        var check = Beacon("check");
        Assert.Equal(1, check.ExitCode);
        foreach (var (command, result) in Follow(check))
        {
            Assert.True(result.ExitCode == 0, $"{command}\n{result.Stdout}{result.Stderr}");
        }
        var again = Beacon("check");
        Assert.True(again.ExitCode == 0, again.Stderr);
    }

    [Fact]
    public void The_explain_advice_for_an_unknown_code_lists_the_codes()
    {
        var unknown = Beacon("explain", "BEA9999");
        Assert.Equal(2, unknown.ExitCode);
        var (command, result) = Assert.Single(Follow(unknown));
        Assert.Equal("beacon explain", command);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("BEA0403", result.Stdout, StringComparison.Ordinal);
    }

    [GeneratedRegex("'(beacon [^']+)'")]
    private static partial Regex QuotedCommand();

    public void Dispose() => _repo.Dispose();
}
