using Beacon.Images.Planning;
using Beacon.Images.Rendering;
using Beacon.Layers.Loading;
using Beacon.Layers.Validation;
using Beacon.TestSupport;
using k8s;
using k8s.Models;

namespace Beacon.Images.Tests.Rendering;

/// <summary>
/// <c>beacon build --emit kubernetes</c>'s Jobs: strict parsing (unknown fields rejected), one Job per layer in
/// build-level order, each child awaiting its nearest built ancestor, names that are DNS labels and change with the
/// image, values escaped for Kubernetes, and options refused before they reach a manifest. No API server runs here:
/// strict parsing and (Beacon.Pulumi.Tests) the kubernetes provider's schema are what checks them.
/// </summary>
public class BuildJobsTests
{
    private static readonly BuildJobOptions Options = new("ghcr.io/acme/beacon:1.4", "https://github.com/acme/layers.git",
        new string('a', 40), BuildJobOptions.DefaultSecret, BuildJobOptions.DefaultNamespace);

    private static Plan Plan(string stack)
    {
        var opening = StackSessions.Open(WorkspaceLoader.Load(RepoPaths.Root).Workspace!, stack,
            new StackOptions { Builder = Beacon.Layers.Documents.ImageBuilderKind.Oci, Commits = _ => new Dictionary<string, string>() });
        Assert.True(opening.Success, string.Join("\n", opening.Diagnostics));
        return opening.Session!.Plan;
    }

    public static string Manifests(Plan plan, IReadOnlyCollection<string> layers, BuildJobOptions options) =>
        string.Concat(BuildJobs.For(plan, layers, options).Select((o, i) => (i == 0 ? "" : "---\n") + Yaml.Write(o.Manifest())));

    [Fact]
    public void One_job_per_layer_parents_first_each_child_awaiting_its_parent()
    {
        var plan = Plan("globex-k8s");
        var objects = KubernetesYaml.LoadAllFromString(Manifests(plan, [], Options), strict: true);
        Assert.IsType<V1Namespace>(objects[0]);
        var jobs = objects.Skip(1).Cast<V1Job>().ToList();
        Assert.Equal(plan.Images.Select(i => i.Layer).Order(StringComparer.Ordinal), jobs.Select(j => j.Metadata.Labels["beacon.io/layer"]).Order(StringComparer.Ordinal));
        var levels = jobs.Select(j => int.Parse(j.Metadata.Labels["beacon.io/build-level"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(levels.Order(), levels);
        foreach (var job in jobs)
        {
            Assert.True(Names.IsDnsLabel(job.Metadata.Name), job.Metadata.Name);
            var layer = job.Metadata.Labels["beacon.io/layer"];
            var image = plan.Images.Single(i => i.Layer == layer);
            Assert.Equal(image.Reference.ToString(), job.Metadata.Annotations["beacon.io/image"]);
            var pod = job.Spec.Template.Spec;
            Assert.Equal("Never", pod.RestartPolicy);
            Assert.Equal(["beacon", "build", layer, "--stack", "globex-k8s", "--builder", "oci", "--repo", "/work/repository"], Assert.Single(pod.Containers).Command);
            Assert.Equal(["clone", "checkout"], pod.InitContainers.Take(2).Select(c => c.Name));
            Assert.Equal("beacon-registry", pod.Volumes.Single(v => v.Name == "registry").Secret.SecretName);
            Assert.All(pod.InitContainers.Concat(pod.Containers), c => Assert.Contains(c.Env, e => e.Name == "DOCKER_CONFIG" && e.Value == "/work/registry"));
            if (image.Parent is { } parent)
            {
                var await = pod.InitContainers.Single(c => c.Name == "await-parent");
                Assert.Equal(["beacon", "build", parent, "--stack", "globex-k8s", "--builder", "oci", "--repo", "/work/repository", "--await", "3600"], await.Command);
                Assert.Equal(BuildJobs.NameOf(plan.Images.Single(i => i.Layer == parent)), job.Metadata.Annotations["beacon.io/after"]);
            }
            else
            {
                Assert.DoesNotContain(pod.InitContainers, c => c.Name == "await-parent");
            }
        }
        Assert.Equal(jobs.Count, jobs.Select(j => j.Metadata.Name).Distinct().Count());
        Snapshot.Match(Yaml.Write(BuildJobs.For(plan, ["core"], Options)[1].Manifest()), "build-job-core");
    }

    [Fact]
    public void A_child_whose_parent_is_not_in_the_set_awaits_its_nearest_ancestor_that_is()
    {
        var plan = Plan("acme-local");
        var jobs = BuildJobs.For(plan, ["core", "gpu-ml-nightly"], Options).Skip(1).ToList();
        Assert.Equal(["build-core", "build-gpu-ml-nightly"], jobs.Select(j => j.Name[..j.Name.LastIndexOf('-')]));
        var nightly = KubernetesYaml.LoadAllFromString(Yaml.Write(jobs[1].Manifest()), strict: true).Cast<V1Job>().Single();
        Assert.Equal("core", nightly.Spec.Template.Spec.InitContainers.Single(c => c.Name == "await-parent").Command[2]);
        Assert.Equal("1", nightly.Metadata.Labels["beacon.io/build-level"]);
    }

    [Theory]
    [InlineData("ghcr.io/acme/beacon:1.4", "https://github.com/acme/layers.git\n--upload-pack=touch /tmp/x", "--source")]
    [InlineData("ghcr.io/acme/beacon:1.4", "-uhttps://x", "--source")]
    [InlineData("ghcr.io/acme/beacon:1.4 ; rm -rf /", "https://github.com/acme/layers.git", "--beacon-image")]
    [InlineData("ghcr.io/acme/beacon:1.4", "file:///etc", "--source")]
    public void Options_that_could_say_something_else_in_a_manifest_are_refused(string image, string source, string named)
    {
        var options = Options with { BeaconImage = image, Source = source };
        Assert.StartsWith(named, options.Problem(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BuildJobs.For(Plan("globex-k8s"), [], options));
        Assert.StartsWith("'HEAD'", (Options with { Commit = "HEAD" }).Problem(), StringComparison.Ordinal);
        Assert.StartsWith("--registry-secret", (Options with { RegistrySecret = "Registry_Secret" }).Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_repositorys_credentials_reach_only_the_containers_that_talk_to_git()
    {
        var plan = Plan("globex-k8s");
        var text = Manifests(plan, ["core"], Options with { SourceSecret = "git-token" });
        var pod = KubernetesYaml.LoadAllFromString(text, strict: true).OfType<V1Job>().Single().Spec.Template.Spec;
        Assert.Equal("git-token", pod.Volumes.Single(v => v.Name == "source-credentials").Secret.SecretName);
        foreach (var container in pod.InitContainers.Concat(pod.Containers))
        {
            var talksToGit = container.Name is "clone" or "checkout";
            Assert.Equal(talksToGit, container.VolumeMounts.Any(m => m.Name == "source-credentials" && m.ReadOnlyProperty == true));
            Assert.Equal(talksToGit, container.Env.Any(e => e.Name == "GIT_CONFIG_VALUE_0" && e.Value == BuildJobs.CredentialHelper));
        }
        Assert.DoesNotContain("source-credentials", Manifests(plan, ["core"], Options), StringComparison.Ordinal);
        Assert.StartsWith("--source-secret", (Options with { SourceSecret = "Git_Token" }).Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_dollar_in_a_value_reaches_kubernetes_escaped()
    {
        var plan = Plan("globex-k8s");
        var text = Manifests(plan, ["core"], Options with { Source = "https://github.com/acme/$(HOME).git" });
        var job = KubernetesYaml.LoadAllFromString(text, strict: true).OfType<V1Job>().Single();
        Assert.Contains("https://github.com/acme/$$(HOME).git", job.Spec.Template.Spec.InitContainers[0].Command);
    }
}
