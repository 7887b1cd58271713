using System.Text.Json.Nodes;
using Beacon.TestSupport;

namespace Beacon.GitOps.Tests.Workflows;

/// <summary>
/// The scheduled upgrade job played through the upgrade workflow's own steps, against a channel where a newer
/// requests appeared: the production layers are solved with every package freed, the gate and a fresh solve pass,
/// and the pull request's body (the change summary) is pinned. The build-and-test step needs a Docker engine and
/// the real base image, which the integration tests cover; it is not played here.
/// </summary>
public sealed class UpgradeJobTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-upgrade-");

    private void Git(params string[] args) => WorkflowRunner.Git(_repo, args);

    [Fact]
    public void A_newer_package_in_the_channel_becomes_a_pull_request_body()
    {
        _repo.CopyExample();
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("-c", "user.email=bot@acme.example", "-c", "user.name=bot", "commit", "-q", "-m", "the organisation as it is");

        // requests 2.32.3 appears in the channel (same dependencies; the sha256 is the channel's word for the file).
        var path = _repo.Path_("channels/demo/noarch/repodata.json");
        var repodata = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var conda = repodata["packages.conda"]!.AsObject();
        var newer = conda["requests-2.31.0-pyhd8ed1ab_0.conda"]!.DeepClone().AsObject();
        newer["version"] = "2.32.3";
        newer["sha256"] = new string('b', 64);
        newer["timestamp"] = 1717000000000;
        conda["requests-2.32.3-pyhd8ed1ab_0.conda"] = newer;
        File.WriteAllText(path, repodata.ToJsonString());

        using var runner = new WorkflowRunner(_repo, new WorkflowDocument(RepoPaths.RepoFile(".github", "workflows", "upgrade.yml")));
        var log = string.Concat(new[] { "lock", "gate", "summary" }.Select(id => WorkflowRunner.Describe(id, runner.Step(id))));
        Snapshot.MatchFile(log, Path.Combine(WorkflowRunner.Snapshots, "upgrade.steps.txt"));
        Snapshot.MatchFile(File.ReadAllText(Path.Combine(runner.RunnerTemp, "beacon-upgrade.md")), Path.Combine(WorkflowRunner.Snapshots, "upgrade.pull-request-body.md"));
        Assert.Contains("requests-2.32.3-pyhd8ed1ab_0.conda", File.ReadAllText(_repo.Path_("layers/core.lock")), StringComparison.Ordinal);
    }

    public void Dispose() => _repo.Dispose();
}
