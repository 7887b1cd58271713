using System.Text.Json;
using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>
/// The policy through the command line: <c>check</c> fails on a finding (exit 1, positioned), passes with only a
/// warning (an unused exception), and <c>diff</c> names the findings a change brings, on a real git repository.
/// </summary>
public sealed class PolicyCommandTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-policy-cli-");

    private void Git(params string[] args) => _repo.Git(args);

    [Fact]
    public void Check_fails_on_a_finding_and_passes_with_a_warning()
    {
        _repo.CopyExample();
        _repo.Write("policy.yaml", "exceptions:\n  - rule: license\n    package: r-base 3.*\n    owner: \"@acme/r\"\n    reason: old R\n    expires: 2999-12-31\n");
        var warned = InProcess.Beacon(_repo.Root, "check");
        Assert.True(warned.ExitCode == 0, warned.Stderr);
        Assert.Contains("policy.yaml(2,5): warning BEA0707: the exception for license on 'r-base 3.*' excuses nothing any lock holds; delete it", warned.Stdout + warned.Stderr, StringComparison.Ordinal);
        Assert.Contains("check passed", warned.Stdout, StringComparison.Ordinal);

        _repo.Write("advisories/GHSA-9wx4-h78v-vm56.json", File.ReadAllText(RepoPaths.RepoFile("tests", "fixtures", "osv", "GHSA-9wx4-h78v-vm56.json")));
        var failed = InProcess.Beacon(_repo.Root, "check");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("layers/core.lock(69,1): error BEA0705: requests 2.31.0 (pyhd8ed1ab_0) is affected by GHSA-9wx4-h78v-vm56", failed.Stdout + failed.Stderr, StringComparison.Ordinal);
        Assert.Contains("check failed: 1 problem", failed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_names_the_findings_a_change_brings()
    {
        _repo.CopyExample();
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("commit", "-q", "-m", "base");
        _repo.Write("policy.yaml", "licenses:\n  deny: [\"GPL-2.0*\"]\n");
        var diff = InProcess.Beacon(_repo.Root, "diff", "--base", "main", "--json");
        Assert.True(diff.ExitCode == 0, diff.Stderr);
        var findings = JsonDocument.Parse(diff.Stdout).RootElement.GetProperty("policy").GetProperty("new_findings").EnumerateArray()
            .Select(f => $"{f.GetProperty("layer").GetString()} {f.GetProperty("package").GetString()} {f.GetProperty("code").GetString()}").ToList();
        Assert.Equal(["core xz BEA0702", "r-analytics r-base BEA0702", "core-arm xz BEA0702"], findings);
        var markdown = InProcess.Beacon(_repo.Root, "diff", "--base", "main");
        Assert.Contains("- `r-analytics`: r-base 4.3.3 — BEA0702 license", markdown.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _repo.Dispose();
}
