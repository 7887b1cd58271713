using Beacon.Images.Building;
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

    /// <summary>One identity and one recipe per image: an oci stack's images have no Dockerfile to build, and no tag but their recipe's.</summary>
    [Fact]
    public void Each_planned_image_has_one_recipe_of_its_stack_s_builder_and_its_tag()
    {
        var docker = For("acme-local");
        var oci = Planner.Build(Example.Value, Example.Value.Stack("acme-local")! with { Builder = ImageBuilderKind.Oci }, LockStore.ReadAll(Example.Value), Commits);
        Assert.All(docker.Images, i => Assert.Equal(i.Reference.Tag, Assert.IsType<DockerfileRecipe>(i.Recipe).Context.Tag));
        Assert.All(oci.Images, i => Assert.Equal(i.Reference.Tag, Assert.IsType<OciRecipe>(i.Recipe).Tag));
        var core = oci.Images.Single(i => i.Layer == "core");
        var error = Assert.Throws<InvalidOperationException>(() => core.Dockerfile);
        Assert.Equal("the image of 'core' has an oci recipe: it is made by the oci builder, not from a Dockerfile", error.Message);
        Assert.Throws<ArgumentException>(() => new PlannedImage("core", null, docker.Images.Single(i => i.Layer == "core").Reference, core.Recipe));
    }

    [Fact]
    public void The_oci_builder_tags_each_image_with_its_oci_identity_and_workloads_follow()
    {
        var docker = For("acme-local");
        var oci = Planner.Build(Example.Value, Example.Value.Stack("acme-local")! with { Builder = ImageBuilderKind.Oci }, LockStore.ReadAll(Example.Value), Commits);
        Assert.Empty(oci.Problems);
        Assert.Equal(ImageBuilderKind.Oci, oci.Builder);
        Assert.All(oci.Images, i => Assert.Equal("/opt/conda", i.Prefix));
        var locks = LockStore.ReadAll(Example.Value);
        foreach (var image in oci.Images)
        {
            // A root's identity starts from the base image its lock pins by digest, never from the tag alone.
            var parent = image.Parent is { } p ? oci.Images.Single(i => i.Layer == p).Tag : locks[image.Layer].Lock!.BaseImage!;
            Assert.True(image.Parent is not null || parent.Contains("@sha256:", StringComparison.Ordinal), parent);
            Assert.Equal(OciIdentity.Tag(parent, "/opt/conda", locks[image.Layer].Text), image.Tag);
            Assert.NotEqual(docker.Images.Single(i => i.Layer == image.Layer).Tag, image.Tag);
        }
        Assert.All(oci.Workloads, w => Assert.Equal(oci.Images.Single(i => i.Layer == w.Layer).Reference, w.Image));
    }

    [Fact]
    public void A_root_prefix_changes_every_oci_identity_and_is_refused_by_the_docker_builder_as_are_pip_packages_by_the_oci_builder()
    {
        using var repo = new TempRepo("beacon-prefix-");
        repo.CopyExample();
        repo.Write("layers/core.yaml", File.ReadAllText(repo.Path_("layers/core.yaml")).Replace("name: core\n", "name: core\nprefix: /srv/env\n", StringComparison.Ordinal));
        var workspace = WorkspaceLoader.Load(repo.Root).Workspace!;
        var locks = LockStore.ReadAll(workspace);
        var ociStack = workspace.Stack("acme-local")! with { Builder = ImageBuilderKind.Oci };
        var withPrefix = Planner.Build(workspace, ociStack, locks, Commits);
        var without = Planner.Build(Example.Value, Example.Value.Stack("acme-local")! with { Builder = ImageBuilderKind.Oci }, LockStore.ReadAll(Example.Value), Commits);
        Assert.All(withPrefix.Images, i => Assert.Equal("/srv/env", i.Prefix));
        Assert.Equal(without.Images.Count, withPrefix.Images.Count);
        Assert.All(withPrefix.Images, i => Assert.NotEqual(without.Images.Single(w => w.Layer == i.Layer).Tag, i.Tag));

        var docker = Planner.Build(workspace, workspace.Stack("acme-local")!, locks, Commits);
        Assert.Contains(docker.Problems, p => p.Message == "layer 'core' sets prefix '/srv/env', but the docker builder installs into the base image's micromamba environment; use beacon:builder oci for stack 'acme-local'");
        Assert.Empty(docker.Images);

        repo.Write("layers/snowflake.yaml", File.ReadAllText(repo.Path_("layers/snowflake.yaml"))
            .Replace("dependencies:\n", "dependencies:\n  - pip:\n      - requests==2.31.0\n", StringComparison.Ordinal));
        var pipWorkspace = WorkspaceLoader.Load(repo.Root).Workspace!;
        var pip = Planner.Build(pipWorkspace, pipWorkspace.Stack("acme-local")! with { Builder = ImageBuilderKind.Oci }, LockStore.ReadAll(pipWorkspace), Commits);
        Assert.Contains(pip.Problems, p => p.Message == "layer 'snowflake' lists pip packages, which the oci builder does not install; use beacon:builder docker for stack 'acme-local'");
        Assert.DoesNotContain(pip.Images, i => i.Layer == "snowflake");
    }

    [Fact]
    public void Developer_workspaces_are_planned_with_their_hardware_and_compared_like_workloads()
    {
        var plan = For("globex-k8s");
        var alice = plan.Workspaces.Single(w => w.Name == "alice");
        Assert.Equal(("notebook", "cpu-large", "20Gi"), (alice.Layer, alice.Hardware.Name, alice.Storage));
        Assert.Equal(["gpu"], alice.Exploratory.Select(e => e.Name));
        Assert.Equal(plan.Images.Single(i => i.Layer == "notebook").Reference, alice.Image);
        var bob = plan.Workspaces.Single(w => w.Name == "bob");
        Assert.Equal((4.0, "16Gi"), (bob.Hardware.Cpus, bob.Hardware.Memory));
        // alice's profiles get node pools (gpu only through her exploratory list); bob's own size does not.
        Assert.Contains(plan.NodePools, p => p.Name == "gpu");
        Assert.DoesNotContain(plan.NodePools, p => p.Name == "bob");
        Assert.Empty(For("acme-aws-prod").Workspaces); // their stacks: lists no aws stack

        var moved = plan with { Workspaces = [.. plan.Workspaces.Select(w => w.Name == "alice" ? w with { Layer = "core" } : w)] };
        var diff = Beacon.Images.Diff.PlanDiff.Compare("globex-k8s", "kubernetes", plan, moved, plan.Workloads.Select(w => w.Name).ToHashSet());
        Assert.Equal([new Beacon.Images.Diff.WorkloadChange("workspace alice", Beacon.Images.Diff.WorkloadChangeKind.Moved, "notebook", "core")], diff.Workloads);
        var resized = plan with { Workloads = [.. plan.Workloads.Select(w => w.Name == "pricing-api" ? w with { Replicas = 4, Env = new Dictionary<string, string> { ["X"] = "1" } } : w)] };
        Assert.Equal([new Beacon.Images.Diff.WorkloadChange("pricing-api", Beacon.Images.Diff.WorkloadChangeKind.Changed, "replicas 2", "replicas 4, env changed")],
            Beacon.Images.Diff.PlanDiff.Compare("globex-k8s", "kubernetes", plan, resized, plan.Workloads.Select(w => w.Name).ToHashSet()).Workloads);
        var added = Beacon.Images.Diff.PlanDiff.Compare("globex-k8s", "kubernetes", plan with { Workspaces = [] }, plan, plan.Workloads.Select(w => w.Name).ToHashSet());
        Assert.Equal(["workspace alice", "workspace bob"], added.Workloads.Where(w => w.Kind == Beacon.Images.Diff.WorkloadChangeKind.Added).Select(w => w.Workload));
    }

    /// <summary>A workspace runs a Jupyter Server: a developer whose layer's lock has no jupyter_server is a plan problem with the fix.</summary>
    [Fact]
    public void A_developer_in_a_layer_without_jupyter_server_is_a_plan_problem_with_the_command_that_adds_it()
    {
        var alice = Example.Value.Developers.Single(d => d.Name == "alice");
        var workspace = Example.Value with
        {
            Developers = [.. Example.Value.Developers.Select(d => d.Name == "alice" ? d with { Layer = new Layers.Yaml.Located<string>("core", alice.Layer.Location) } : d)],
        };
        var plan = Planner.Build(workspace, workspace.Stack("globex-k8s")!, LockStore.ReadAll(workspace), Commits);
        Assert.Equal([new PlanProblem("developer alice", "developer 'alice' works in layer 'core', whose lock has no jupyter_server (a workspace runs a Jupyter Server); add it: beacon add core jupyter_server")],
            plan.Problems);
        Assert.Equal(["bob"], plan.Workspaces.Select(w => w.Name));
    }

    [Fact]
    public void An_arm_gpu_pool_is_a_plan_problem_where_the_cloud_has_no_such_machine()
    {
        var arm = Example.Value.Workloads.Single(w => w.Name == "pricing-api-arm");
        var gpuArm = arm with { Name = "arm-training", Hardware = new Layers.Yaml.Located<string>("gpu", arm.NameLocation), Stacks = null, Ports = [] };
        var workspace = Example.Value with { Workloads = [.. Example.Value.Workloads, gpuArm] };
        var locks = LockStore.ReadAll(workspace);
        var gcp = Planner.Build(workspace, workspace.Stack("acme-gcp-dev")!, locks, Commits);
        Assert.Contains(gcp.Problems, p => p.Message == "gcp has no Arm machine with a GPU: node pool 'gpu-arm64' (profile 'gpu' on linux-aarch64) cannot be made in stack 'acme-gcp-dev'");
        var aws = Planner.Build(workspace, workspace.Stack("acme-aws-prod")!, locks, Commits);
        Assert.Empty(aws.Problems);
        Assert.Contains(aws.NodePools, p => p.Name == "gpu-arm64" && p.Platform == "linux-aarch64");
    }

    [Fact]
    public void A_profile_no_machine_of_its_family_holds_is_a_plan_problem()
    {
        var api = Example.Value.Workloads.Single(w => w.Name == "pricing-api");
        var huge = api with { Name = "huge-batch", Hardware = new Layers.Yaml.Located<string>("huge", api.NameLocation), Stacks = null, Ports = [] };
        var workspace = Example.Value with
        {
            Workloads = [.. Example.Value.Workloads, huge],
            Settings = Example.Value.Settings with
            {
                Hardware = new Dictionary<string, HardwareProfile>(Example.Value.Settings.Hardware) { ["huge"] = new("huge", 62, "250Gi") },
            },
        };
        var aws = Planner.Build(workspace, workspace.Stack("acme-aws-prod")!, LockStore.ReadAll(workspace), Commits);
        // 62 CPUs and 250Gi: an m6i.16xlarge has 64 vCPUs and 256 GiB, but its allocatable less the DaemonSets does not hold them.
        Assert.Contains(aws.Problems, p => p.Message == "no aws machine holds a pod of profile 'huge' (62 CPUs, 250Gi) with the node's reservations: " +
            "node pool 'huge' cannot be made in stack 'acme-aws-prod'; make the profile smaller");
    }

    [Fact]
    public void Only_deployed_stages_get_images_in_build_order()
    {
        var prod = For("acme-aws-prod");
        Assert.Equal(["core", "gpu-ml", "notebook", "r-analytics", "snowflake", "core-arm"], prod.Images.Select(i => i.Layer));
        Assert.Equal(("linux-aarch64", "linux/arm64"), (prod.Images[^1].Platform, prod.Images[^1].OciPlatform));
        Assert.True(prod.CreateRegistry);
        var dev = For("acme-local");
        Assert.Contains(dev.Images, i => i.Layer == "gpu-ml-nightly" && i.Parent == "gpu-ml");
        Assert.DoesNotContain(dev.Images, i => i.Layer == "core-arm"); // beacon:platforms: [linux-64]
        Assert.False(dev.CreateRegistry);
        Assert.All(dev.Images, i => Assert.StartsWith("127.0.0.1:5000/", i.Reference.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Node_pools_follow_the_profiles_the_workloads_need_with_the_stacks_sizes()
    {
        var plan = For("acme-aws-prod");
        Assert.Equal(["cpu", "cpu-arm64", "cpu-large", "cpu-small", "gpu"], plan.NodePools.Select(p => p.Name));
        // pricing-api-arm runs on an Arm pool of the cpu profile, with the stack's size for cpu.
        var arm = plan.NodePools.Single(p => p.Name == "cpu-arm64");
        Assert.Equal(("linux-aarch64", "cpu", 2, 10), (arm.Platform, arm.Profile.Name, arm.Min, arm.Max));
        Assert.Equal("cpu-arm64", plan.Workloads.Single(w => w.Name == "pricing-api-arm").Pool);
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
            i => System.Text.RegularExpressions.Regex.Match(i.Dockerfile.Dockerfile, "org.opencontainers.image.revision=\"([^\"]*)\"").Groups[1].Value);
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
            var remembered = File.ReadAllText(repo.Path_(".git/" + LockCommits.CacheFile));
            Assert.StartsWith($"head {Git(repo, "rev-parse", "HEAD").Trim()}\n", remembered, StringComparison.Ordinal);

            // A new commit that changes one lock: read from the commits since the remembered HEAD.
            File.WriteAllText(repo.Path_("layers/snowflake.lock"), File.ReadAllText(repo.Path_("layers/snowflake.lock")) + "\n");
            Git(repo, "add", "-A");
            Git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "third");
            var third = Git(repo, "rev-parse", "HEAD").Trim();
            commits = LockCommits.Read(WorkspaceLoader.Load(repo.Root).Workspace!);
            Assert.Equal(third, commits["snowflake"]);
            Assert.Equal(first, commits["core"]);

            // History rewritten under the remembered HEAD (the third commit amended): walked again, not trusted.
            Git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--amend", "-m", "third, amended");
            var amended = Git(repo, "rev-parse", "HEAD").Trim();
            Assert.NotEqual(third, amended);
            commits = LockCommits.Read(WorkspaceLoader.Load(repo.Root).Workspace!);
            Assert.Equal(amended, commits["snowflake"]);
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
