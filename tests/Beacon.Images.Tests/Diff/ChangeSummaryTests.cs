using Beacon.Conda.Channels;
using Beacon.Images.Diff;
using Beacon.Images.Planning;
using Beacon.Layers.Diff;
using Beacon.Layers.Git;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;

namespace Beacon.Images.Tests.Diff;

/// <summary><c>beacon diff</c> on a scripted two-commit git repository (real git, temp folder), snapshot-tested.</summary>
public sealed class ChangeSummaryTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-diff-");
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// These tests compare plans only; the deployment program (Pulumi's, which this assembly does not know) is
    /// compared in Beacon.Pulumi.Tests' DeploymentChangesTests.
    /// </summary>
    private static string NoProgram(StackSession session) => string.Empty;

    private void Git(params string[] args) => _repo.Git(args);

    private async Task LockAll()
    {
        var workspace = WorkspaceLoader.Load(_repo.Root).Workspace!;
        using var locker = new Locker(workspace, new ChannelLoader(null));
        var run = await locker.RunAsync(new LockOptions());
        Assert.True(run.Success, string.Join("\n", run.Results.OfType<LayerNotLocked>().Select(r => r.Explanation)));
        locker.Write(run);
    }

    [Fact]
    public async Task Pull_request_summary_of_a_changed_layer_a_fork_and_a_new_workload()
    {
        _repo.Write("beacon.yaml", $"channels:\n  defaults: {Fixtures.Channel("defaults-2018")}\n");
        _repo.Write("layers/base.yaml", "name: base\nplatform: linux-64\nbase-image: mambaorg/micromamba:1.5.8@sha256:475730daef12ff9c0733e70092aeeefdf4c373a584c952dac3f7bdb739601990\nchannels: [defaults]\nstage: production\ndependencies:\n  - python 3.6.*\n  - numpy 1.14.*\n");
        _repo.Write("layers/analytics.yaml", "name: analytics\nparent: base\nstage: production\ndependencies:\n  - pandas 0.22.*\n");
        _repo.Write("layers/reports.yaml", "name: reports\nparent: base\nstage: production\ndependencies:\n  - pytz\n");
        _repo.Write("workloads/etl.yaml", "name: etl\nkind: job\ncommand: python -m etl\nrequires: [pandas, scipy]\n");
        _repo.Write("stacks/Pulumi.dev.yaml", "config:\n  beacon:cloud: local\n  beacon:stages: [production, experimental]\n");
        await LockAll();
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("commit", "-q", "-m", "base");

        // The pull request: analytics moves to pandas 0.23 and adds scipy; a fork of reports; etl now fits analytics.
        _repo.Write("layers/analytics.yaml", "name: analytics\nparent: base\nstage: production\ndependencies:\n  - pandas 0.23.*\n  - scipy\n");
        _repo.Write("layers/reports-next.yaml", "name: reports-next\nparent: base\nforked-from: reports\ndependencies:\n  - pytz\n  - six\n");
        await LockAll();

        var head = WorkspaceLoader.Load(_repo.Root).Workspace!;
        using var snapshot = GitSnapshot.At(_repo.Root, "main");
        var baseWorkspace = WorkspaceLoader.Load(snapshot.Root).Workspace;
        Assert.NotNull(baseWorkspace);
        var diff = ChangeSummary.Compute("main", baseWorkspace, head, NoProgram);

        var dev = Assert.Single(diff.Stacks);
        Assert.Equal(["analytics"], dev.Layers(ImageChangeKind.Rebuilt));
        Assert.Equal(["reports-next"], dev.Layers(ImageChangeKind.Added));
        Assert.Equal(["base", "reports"], dev.Layers(ImageChangeKind.Reused));
        Assert.Contains(dev.Workloads, w => w is { Workload: "etl", Kind: WorkloadChangeKind.Moved, Before: null, After: "analytics" });
        Assert.Equal(["dev"], diff.AffectedStacks);
        Snapshot.Match(diff.ToMarkdown(), "pull-request-summary");
        Snapshot.Match(diff.ToJson(), "pull-request-summary-json");
    }

    [Fact]
    public async Task After_a_base_image_change_the_summary_rebuilds_exactly_what_the_plan_retags()
    {
        _repo.CopyExample();
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("commit", "-q", "-m", "base");
        var core = File.ReadAllText(_repo.Path_("layers/core.yaml"));
        // An upgrade pull request: base-image moved to another release pinned by digest, and the root locked again
        // (offline: a digest in base-image needs no registry), which records the new pin; the children follow.
        File.WriteAllText(_repo.Path_("layers/core.yaml"), core.Replace("base-image: mambaorg/micromamba:1.5.8", "base-image: mambaorg/micromamba:1.5.10@sha256:e3797091302382ea841498bc93a7b0a50f7c1448333d5e946d2d1608d0c5f43d", StringComparison.Ordinal));
        Assert.NotEqual(core, File.ReadAllText(_repo.Path_("layers/core.yaml")));
        using (var locker = new Locker(WorkspaceLoader.Load(_repo.Root).Workspace!, new ChannelLoader(null)))
        {
            var run = await locker.RunAsync(new LockOptions());
            Assert.True(run.Success);
            locker.Write(run);
        }
        Assert.Contains("# base-image: mambaorg/micromamba:1.5.10@sha256:e3797091302382ea841498bc93a7b0a50f7c1448333d5e946d2d1608d0c5f43d\n", File.ReadAllText(_repo.Path_("layers/core.lock")), StringComparison.Ordinal);

        var head = WorkspaceLoader.Load(_repo.Root).Workspace!;
        using var snapshot = GitSnapshot.At(_repo.Root, "main");
        var diff = ChangeSummary.Compute("main", WorkspaceLoader.Load(snapshot.Root).Workspace, head, NoProgram);
        foreach (var stack in head.Stacks)
        {
            var plan = StackSessions.Open(head, stack.Name).Session!.Plan; // what `beacon plan` shows
            var baseWorkspace = WorkspaceLoader.Load(snapshot.Root).Workspace!;
            var before = Planner.Build(baseWorkspace, baseWorkspace.Stack(stack.Name)!, Beacon.Layers.Locking.LockStore.ReadAll(baseWorkspace), new Dictionary<string, string>());
            var stackDiff = diff.Stacks.Single(s => s.Stack == stack.Name);
            // Every image built on core is retagged by the plan, and the summary says rebuilt for exactly those, tag for
            // tag; the other root's images (core-arm) are reused.
            var onCore = plan.Images.Where(i => head.Tree.RootOf(i.Layer).Name == "core").ToList();
            Assert.All(onCore, i => Assert.NotEqual(before.Images.Single(b => b.Layer == i.Layer).Reference.Tag, i.Reference.Tag));
            Assert.Equal(plan.Images.Select(i => (i.Layer, onCore.Contains(i) ? ImageChangeKind.Rebuilt : ImageChangeKind.Reused,
                    (string?)before.Images.Single(b => b.Layer == i.Layer).Reference.Tag, (string?)i.Reference.Tag)),
                stackDiff.Images.Select(i => (i.Layer, i.Kind, i.Before, i.After)));
        }
        Assert.Contains(diff.Layers, l => l is { Layer: "core", Kind: LayerChangeKind.Changed });
        await Task.CompletedTask;
    }

    [Fact]
    public void An_unknown_ref_is_a_clear_error()
    {
        _repo.Write("x.txt", "x");
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("commit", "-q", "-m", "x");
        var e = Assert.Throws<GitException>(() => GitSnapshot.At(_repo.Root, "no-such-branch"));
        Assert.Contains("'no-such-branch' is not a commit", e.Message, StringComparison.Ordinal);
        Assert.Throws<GitException>(() => GitSnapshot.At(_repo.Root, "--upload-pack=evil"));
    }

    public void Dispose() => _repo.Dispose();

    /// <summary>
    /// The policy in the summary: the base has a policy with one exception; the pull request adds real advisories
    /// (requests and idna, tests/fixtures/osv), denies GPL-2.0 licences and excepts idna. The summary names only what is
    /// new: the findings that count in the head and did not in the base, and the exception it adds.
    /// </summary>
    [Fact]
    public async Task Pull_request_summary_lists_new_policy_findings_and_new_exceptions()
    {
        const string exceptionR = "exceptions:\n  - rule: license\n    package: r-base\n    owner: \"@acme/r\"\n    reason: R is GPL; approved by legal\n    expires: 2027-06-30\n";
        using var before = new TempRepo("beacon-diff-base-");
        before.CopyExample();
        before.Write("policy.yaml", "licenses:\n  deny: [AGPL-*]\n" + exceptionR);
        _repo.CopyExample();
        _repo.Write("policy.yaml", "licenses:\n  deny: [AGPL-*, \"GPL-2.0*\"]\n" + exceptionR +
            "  - rule: GHSA-jjg7-2v4v-x38h\n    package: idna 3.6\n    owner: \"@acme/security\"\n    reason: \"domain names are | checked <before> `idna`\"\n    expires: 2027-01-31\n");
        foreach (var id in new[] { "GHSA-9wx4-h78v-vm56", "GHSA-jjg7-2v4v-x38h" })
        {
            _repo.Write($"advisories/{id}.json", File.ReadAllText(RepoPaths.RepoFile("tests", "fixtures", "osv", id + ".json")));
        }
        var baseWorkspace = WorkspaceLoader.Load(before.Root).Workspace!;
        var head = WorkspaceLoader.Load(_repo.Root).Workspace!;
        var channels = await ChannelIndex.LoadAsync(head, new ChannelLoader(null));
        await channels.LoadLocksAsync(LockStore.ReadAll(head).Values.SelectMany(s => s.Lock?.Packages ?? []));
        var summary = ChangeSummary.Compute("main", baseWorkspace, head, NoProgram, p => channels.Find(p.Url, p.Name), new DateOnly(2026, 12, 5));
        Assert.NotNull(summary.Policy);
        // r-base is GPL-2.0-or-later but excepted in both; xz's "LGPL-2.1 and GPL-2.0" is new; requests is new; idna is excepted.
        Assert.Equal(["core xz-5.2.6-h166bdaf_0 license", "core requests-2.31.0-pyhd8ed1ab_0 GHSA-9wx4-h78v-vm56", "core-arm xz-5.2.6-h166bdaf_0 license"],
            summary.Policy!.NewFindings.Select(f => f.Key));
        Assert.Equal(["GHSA-jjg7-2v4v-x38h"], summary.Policy.NewExceptions.Select(e => e.Rule));
        var markdown = summary.ToMarkdown();
        var section = markdown[markdown.IndexOf("### Policy", StringComparison.Ordinal)..markdown.IndexOf("### Stacks", StringComparison.Ordinal)];
        using var json = System.Text.Json.JsonDocument.Parse(summary.ToJson());
        var policy = json.RootElement.GetProperty("policy");
        Snapshot.Match(section + "---\n" + System.Text.Json.JsonSerializer.Serialize(policy, Indented) + "\n", "policy-summary");

        // The same repository against itself: nothing new.
        var same = ChangeSummary.Compute("main", head, head, NoProgram, p => channels.Find(p.Url, p.Name), new DateOnly(2026, 12, 5));
        Assert.False(same.Policy!.Any);
        Assert.DoesNotContain("### Policy", same.ToMarkdown(), StringComparison.Ordinal);
    }
}
