using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;

namespace Beacon.Images.Tests.Planning;

public class PlannerTests
{
    private static readonly Lazy<Workspace> Example = new(() => WorkspaceLoader.Load(RepoPaths.Root).Workspace!);

    /// <summary>Made-up commit ids per lock: the planner takes them as given (git is the session's business).</summary>
    private static readonly Dictionary<string, string> Commits = new()
    {
        ["core"] = new string('a', 40),
        ["gpu-ml"] = new string('b', 40),
        ["snowflake"] = "not-a-full-commit-id",
    };

    private static Plan For(string stack) =>
        Planner.Build(Example.Value, Example.Value.Stack(stack)!, LockStore.ReadAll(Example.Value), Commits);

    [Fact]
    public void Only_deployed_stages_get_images_in_build_order()
    {
        var prod = For("acme-aws-prod");
        Assert.Equal(["core", "gpu-ml", "r-analytics", "snowflake"], prod.Images.Select(i => i.Layer));
        Assert.True(prod.CreateRegistry);
        var dev = For("acme-local");
        Assert.Contains(dev.Images, i => i.Layer == "gpu-ml-nightly" && i.Parent == "gpu-ml");
        Assert.False(dev.CreateRegistry);
        Assert.All(dev.Images, i => Assert.StartsWith("127.0.0.1:5000/", i.Reference.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Node_pools_follow_the_profiles_the_workloads_need_with_the_stacks_sizes()
    {
        var plan = For("acme-aws-prod");
        Assert.Equal(["cpu", "cpu-large", "cpu-small", "gpu"], plan.NodePools.Select(p => p.Name));
        var gpu = plan.NodePools.Single(p => p.Name == "gpu");
        Assert.Equal((0, 4, true), (gpu.Min, gpu.Max, gpu.Profile.HasGpu));
        var azureGpu = For("globex-azure-prod").NodePools.Single(p => p.Name == "gpu");
        Assert.Equal((6.0, "55Gi"), (azureGpu.Profile.Cpus, azureGpu.Profile.Memory)); // the stack's own profile
    }

    [Fact]
    public void Every_workload_is_placed_in_its_routed_layer_and_group()
    {
        var plan = For("acme-local");
        var byName = plan.Workloads.ToDictionary(w => w.Name);
        Assert.Equal(("snowflake", "beacon"), (byName["risk-batch"].Layer, byName["risk-batch"].Group));
        Assert.Equal(("core", "pricing", 2), (byName["pricing-api"].Layer, byName["pricing-api"].Group, byName["pricing-api"].Replicas));
        Assert.Equal(("gpu-ml", true), (byName["model-training"].Layer, byName["model-training"].Hardware.HasGpu));
        Assert.Equal(WorkloadKind.CronJob, byName["eod-report"].Kind);
        Assert.Equal(byName["risk-batch"].Image, plan.Images.Single(i => i.Layer == "snowflake").Reference);
    }

    [Fact]
    public void Each_image_is_labelled_with_the_commit_it_was_given_for_its_lock_and_unknown_otherwise()
    {
        var labels = For("acme-local").Images.ToDictionary(i => i.Layer,
            i => System.Text.RegularExpressions.Regex.Match(i.Context.Dockerfile, "org.opencontainers.image.revision=\"([^\"]*)\"").Groups[1].Value);
        Assert.Equal(new string('a', 40), labels["core"]);
        Assert.Equal(new string('b', 40), labels["gpu-ml"]);
        Assert.Equal(LockCommits.Unknown, labels["snowflake"]); // not a commit id: never reaches the Dockerfile
        Assert.Equal(LockCommits.Unknown, labels["r-analytics"]);
    }

    [Fact]
    public void The_session_reads_the_commit_that_last_changed_each_lock_from_git()
    {
        var repo = new TempRepo();
        try
        {
            repo.CopyExample();
            Git(repo, "init", "-q");
            Git(repo, "add", "-A");
            Git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "first");
            var first = Git(repo, "rev-parse", "HEAD").Trim();
            File.AppendAllText(repo.Path_("layers/snowflake.yaml"), "# a comment: the lock is unchanged\n");
            Git(repo, "add", "-A");
            Git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "second");
            var commits = LockCommits.Read(WorkspaceLoader.Load(repo.Root).Workspace!);
            Assert.Equal(first, commits["snowflake"]);
            Assert.Equal(first, commits["core"]);
        }
        finally
        {
            repo.Dispose();
        }
    }

    private static string Git(TempRepo repo, params string[] args)
    {
        var r = ProcessRunner.Run("git", args, repo.Root);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout;
    }

    [Fact]
    public void A_workload_runs_only_in_the_stacks_it_lists()
    {
        Assert.Contains(For("acme-local").Workloads, w => w.Name == "research-notebook");
        Assert.DoesNotContain(For("acme-aws-prod").Workloads, w => w.Name == "research-notebook");
        Assert.DoesNotContain(For("globex-azure-prod").Workloads, w => w.Name == "research-notebook");
    }
}
