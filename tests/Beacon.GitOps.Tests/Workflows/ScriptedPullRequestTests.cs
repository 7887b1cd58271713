using Beacon.TestSupport;

namespace Beacon.GitOps.Tests.Workflows;

/// <summary>
/// A pull request played through the pull-request workflow's own steps: on a copy of the example organisation with
/// main as the base, a branch forks a layer (`beacon fork`), adds a layer without locking it, and edits a workload's
/// command and owners without regenerating CODEOWNERS. The annotations, the comment and the matrix of stacks to
/// preview are pinned in Workflows/Snapshots.
/// </summary>
public sealed class ScriptedPullRequestTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-pr-");

    private void Git(params string[] args) => WorkflowRunner.Git(_repo, args);

    private void Edit(string file, string from, string to)
    {
        var text = File.ReadAllText(_repo.Path_(file));
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(_repo.Path_(file), text.Replace(from, to, StringComparison.Ordinal));
    }

    [Fact]
    public void A_pull_request_gets_annotations_one_summary_comment_and_the_stacks_to_preview()
    {
        _repo.CopyExample();
        _repo.Write(".github/CODEOWNERS", File.ReadAllText(RepoPaths.RepoFile(".github", "CODEOWNERS")));
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "dev@acme.example");
        Git("config", "user.name", "A Developer");
        Git("add", "-A");
        Git("commit", "-q", "-m", "the organisation as it is");
        Git("update-ref", "refs/remotes/origin/main", "main");
        Git("checkout", "-q", "-b", "feature");

        var fork = ProcessRunner.Beacon(_repo.Root, "fork", "gpu-ml", "--as", "gpu-ml-canary");
        Assert.True(fork.ExitCode == 0, fork.Stderr);
        _repo.Write("layers/etl.yaml", "name: etl\nparent: core\nowners: [\"@acme/data-engineering\"]\ndescription: extract-transform-load jobs\ndependencies:\n  - requests\n");
        Edit("workloads/risk-batch.yaml", "\"--date\", \"yesterday\"", "\"--date\", \"today\"");
        Edit("workloads/risk-batch.yaml", "owners: [\"@acme/risk\"]", "owners: [\"@acme/risk\", \"@acme/risk-oncall\"]");
        Git("add", "-A");
        Git("commit", "-q", "-m", "a canary for gpu-ml, an etl layer, risk-batch runs for today");

        using var runner = new WorkflowRunner(_repo, new WorkflowDocument(RepoPaths.RepoFile(".github", "workflows", "pull-request.yml")));
        var expressions = new Dictionary<string, string> { ["${{ github.base_ref }}"] = "main" };
        var log = string.Concat(new[] { "validate", "check", "lock-check", "diff", "stacks" }
            .Select(id => WorkflowRunner.Describe(id, runner.Step(id, expressions))));
        Snapshot.MatchFile(log, Path.Combine(WorkflowRunner.Snapshots, "pull-request.steps.txt"));
        Snapshot.MatchFile(File.ReadAllText(Path.Combine(runner.RunnerTemp, "beacon-summary.md")), Path.Combine(WorkflowRunner.Snapshots, "pull-request.comment.md"));
        Assert.Equal("stacks=[\"acme-aws-prod\",\"acme-gcp-dev\",\"acme-local\",\"globex-azure-prod\",\"globex-k8s\"]\n", runner.Output);
    }

    public void Dispose() => _repo.Dispose();
}
