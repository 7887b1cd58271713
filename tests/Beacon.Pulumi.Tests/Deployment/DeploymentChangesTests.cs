using Beacon.Images.Diff;
using Beacon.Layers.Loading;
using Beacon.Pulumi.Deployment;
using Beacon.TestSupport;

namespace Beacon.Pulumi.Tests.Deployment;

/// <summary>
/// The corpus of changes behind <c>beacon diff</c> and <c>beacon stacks --affected</c> (both call
/// <see cref="DeploymentChanges"/>): the example organisation committed in a real git repository, one kind of change
/// applied to the working tree, the affected stacks asserted and the pull-request summary snapshot-tested.
/// </summary>
public sealed class DeploymentChangesTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-changes-");

    public DeploymentChangesTests()
    {
        _repo.CopyExample();
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("commit", "-q", "-m", "base");
    }

    private void Git(params string[] args) => _repo.Git(args);

    private void Edit(string file, string from, string to)
    {
        var text = File.ReadAllText(_repo.Path_(file));
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(_repo.Path_(file), text.Replace(from, to, StringComparison.Ordinal));
    }

    private ChangeSummary Changes()
    {
        var head = WorkspaceLoader.Load(_repo.Root);
        Assert.True(head.Success, string.Join("\n", head.Diagnostics));
        var summary = DeploymentChanges.Against(head.Workspace!, "main", out var baseProblems);
        Assert.Equal(0, baseProblems);
        return summary;
    }

    /// <summary>Every stack of the example, to assert "every stack" without a second list that could drift.</summary>
    private IReadOnlyList<string> AllStacks() =>
        WorkspaceLoader.Load(_repo.Root).Workspace!.Stacks.Select(s => s.Name).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void An_unchanged_tree_changes_no_stack()
    {
        var summary = Changes();
        Assert.Empty(summary.AffectedStacks);
        Assert.Equal(AllStacks(), summary.Stacks.Select(s => s.Stack));
        Assert.All(summary.Stacks, s => Assert.Equal(StackChangeKind.Unchanged, s.Kind));
        // Developers are read from both revisions: their workspaces are not "added" on an unchanged tree.
        Assert.All(summary.Stacks, s => Assert.Empty(s.Workloads));
        var markdown = summary.ToMarkdown();
        Assert.Equal(summary.Stacks.Count, markdown.Split("| no changes |").Length - 1);
        Snapshot.Match(markdown, "unchanged");
    }

    [Fact]
    public void A_cloud_setting_in_one_stack_file_affects_that_stack_only()
    {
        Edit("stacks/Pulumi.acme-aws-prod.yaml", "aws:region: us-east-1", "aws:region: eu-west-1");
        var summary = Changes();
        Assert.Equal(["acme-aws-prod"], summary.AffectedStacks);
        var aws = summary.Stacks.Single(s => s.Stack == "acme-aws-prod");
        Assert.Equal(["aws:region"], aws.Settings);
        Snapshot.Match(summary.ToMarkdown(), "stack-setting");
    }

    [Fact]
    public void A_comment_in_a_stack_file_affects_nothing()
    {
        Edit("stacks/Pulumi.acme-aws-prod.yaml", "config:\n", "# reviewed by the platform team\nconfig:\n");
        Assert.Empty(Changes().AffectedStacks);
    }

    [Fact]
    public async Task A_base_image_affects_every_stack_that_deploys_an_image_built_on_it()
    {
        // base-image moved to another release pinned by digest and locked again (offline: the digest needs no registry).
        Edit("layers/core.yaml", "base-image: mambaorg/micromamba:1.5.8", "base-image: mambaorg/micromamba:1.5.10@sha256:e3797091302382ea841498bc93a7b0a50f7c1448333d5e946d2d1608d0c5f43d");
        using (var locker = new Beacon.Layers.Locking.Locker(WorkspaceLoader.Load(_repo.Root).Workspace!, new Beacon.Conda.Channels.ChannelLoader(null)))
        {
            var run = await locker.RunAsync(new Beacon.Layers.Locking.LockOptions());
            Assert.True(run.Success);
            locker.Write(run);
        }
        var summary = Changes();
        var deployingCore = summary.Stacks.Where(s => s.Images.Any(i => i.Kind == ImageChangeKind.Rebuilt)).Select(s => s.Stack).ToList();
        Assert.NotEmpty(deployingCore);
        Assert.Equal(deployingCore, summary.AffectedStacks);
        Snapshot.Match(summary.ToMarkdown(), "base-image");
    }

    [Fact]
    public void A_workload_schedule_affects_the_stacks_that_run_it()
    {
        Edit("workloads/eod-report.yaml", "schedule: \"30 22 * * 1-5\"", "schedule: \"0 23 * * 1-5\"");
        var summary = Changes();
        var running = summary.Stacks.Where(s => s.Workloads.Any(w => w.Workload == "eod-report")).Select(s => s.Stack).ToList();
        Assert.NotEmpty(running);
        Assert.Equal(running, summary.AffectedStacks);
        Assert.All(summary.Stacks.Where(s => running.Contains(s.Stack)),
            s => Assert.Contains(s.Workloads, w => w is { Workload: "eod-report", Kind: WorkloadChangeKind.Changed }));
        Snapshot.Match(summary.ToMarkdown(), "workload-schedule");
    }

    [Fact]
    public void A_developer_workspace_affects_the_stacks_it_names()
    {
        Edit("developers/alice.yaml", "storage: 20Gi", "storage: 40Gi");
        var summary = Changes();
        Assert.Equal(["acme-local", "globex-k8s"], summary.AffectedStacks);
        Snapshot.Match(summary.ToMarkdown(), "developer-storage");
    }

    [Fact]
    public void A_new_developer_is_added_in_the_stacks_she_names()
    {
        _repo.Write("developers/carol.yaml", "name: carol\nlayer: notebook\nhardware: cpu\nstacks: [acme-local]\n");
        var summary = Changes();
        Assert.Equal(["acme-local"], summary.AffectedStacks);
        Assert.Contains(summary.Stacks.Single(s => s.Stack == "acme-local").Workloads,
            w => w.Workload.Contains("carol", StringComparison.Ordinal) && w.Kind == WorkloadChangeKind.Added);
    }

    [Fact]
    public void A_channel_mirror_in_beacon_yaml_is_named_and_affects_what_it_reaches()
    {
        // The mirror moves to a copy of the same channel: the locks stay valid, and the summary names the setting.
        foreach (var file in Directory.EnumerateFiles(_repo.Path_("channels/demo"), "*", SearchOption.AllDirectories))
        {
            var target = _repo.Path_(Path.Combine("channels/mirror", Path.GetRelativePath(_repo.Path_("channels/demo"), file)));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        Edit("beacon.yaml", "conda-forge: ./channels/demo", "conda-forge: ./channels/mirror");
        var summary = Changes();
        Assert.Equal(["channels"], summary.RepositorySettings);
        // Locks name the channel, not the mirror, and images are identified by their locks: a mirror that serves
        // the same packages rebuilds nothing and changes no deployment.
        Assert.Empty(summary.AffectedStacks);
        Snapshot.Match(summary.ToMarkdown(), "channel-mirror");
    }

    [Fact]
    public void The_affected_stacks_are_those_the_summary_marks()
    {
        Edit("stacks/Pulumi.globex-k8s.yaml", "beacon:namespace: beacon", "beacon:namespace: beacon-prod");
        Edit("workloads/eod-report.yaml", "schedule: \"30 22 * * 1-5\"", "schedule: \"0 23 * * 1-5\"");
        var summary = Changes();
        Assert.Equal(summary.Stacks.Where(s => s.Kind != StackChangeKind.Unchanged).Select(s => s.Stack), summary.AffectedStacks);
        Assert.Contains("globex-k8s", summary.AffectedStacks);
        Assert.Contains("\"affected_stacks\"", summary.ToJson(), StringComparison.Ordinal);
    }

    public void Dispose() => _repo.Dispose();
}
