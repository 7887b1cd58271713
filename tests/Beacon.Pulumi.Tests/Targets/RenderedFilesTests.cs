using Beacon.Images.Planning;
using Beacon.Images.Building;
using Beacon.Images.Naming;
using Beacon.Layers.Loading;
using Beacon.TestSupport;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace Beacon.Pulumi.Tests.Targets;

/// <summary>
/// The files a team uses without Pulumi. No Kubernetes API server can run here, so manifests are checked by strict
/// parsing with KubernetesClient (unknown fields rejected) plus the invariants an API server would enforce; no
/// Docker engine runs in these unit tests, so compose files are checked against the Compose keys Beacon emits.
/// </summary>
public class RenderedFilesTests
{
    private static StackSession Session(Workspace workspace, string stack)
    {
        var opening = StackSessions.Open(workspace, stack);
        Assert.True(opening.Success, string.Join("\n", opening.Diagnostics));
        return opening.Session!;
    }

    private static Workspace Example() => WorkspaceLoader.Load(RepoPaths.Root).Workspace!;

    public static TheoryData<string> Stacks() => ["acme-local", "acme-aws-prod", "acme-gcp-dev", "globex-azure-prod", "globex-k8s"];

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Kubernetes_manifests_parse_strictly_and_are_consistent(string stack)
    {
        var workspace = Example();
        var files = Rendering.Files(Session(workspace, stack));
        var manifests = files.Where(f => f.Key.StartsWith("kubernetes/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(manifests);
        var kinds = new List<string>();
        foreach (var (name, text) in manifests)
        {
            var objects = KubernetesYaml.LoadAllFromString(text, strict: true);
            foreach (var obj in objects)
            {
                switch (obj)
                {
                    case V1Deployment d:
                        Assert.Equal(d.Spec.Selector.MatchLabels.OrderBy(kv => kv.Key), d.Spec.Template.Metadata.Labels.Where(kv => d.Spec.Selector.MatchLabels.ContainsKey(kv.Key)).OrderBy(kv => kv.Key));
                        Assert.All(d.Spec.Template.Spec.Containers, c => Assert.False(string.IsNullOrEmpty(c.Image)));
                        Assert.True(d.Spec.Template.Spec.SecurityContext.RunAsNonRoot);
                        kinds.Add("Deployment");
                        break;
                    case V1Job j:
                        Assert.Equal("Never", j.Spec.Template.Spec.RestartPolicy);
                        Assert.All(j.Spec.Template.Spec.Containers, c => Assert.False(string.IsNullOrEmpty(c.Image)));
                        kinds.Add("Job");
                        break;
                    case V1CronJob cj:
                        Assert.Equal(5, cj.Spec.Schedule.Split(' ').Length);
                        Assert.All(cj.Spec.JobTemplate.Spec.Template.Spec.Containers, c => Assert.False(string.IsNullOrEmpty(c.Image)));
                        kinds.Add("CronJob");
                        break;
                    case V1Service s:
                        Assert.NotEmpty(s.Spec.Selector);
                        kinds.Add("Service");
                        break;
                    case V1Namespace:
                        kinds.Add("Namespace");
                        break;
                    case V1PersistentVolumeClaim pvc:
                        // A developer workspace's home, mounted by its Deployment.
                        Assert.Equal(["ReadWriteOnce"], pvc.Spec.AccessModes);
                        Assert.Contains(manifests.SelectMany(m => KubernetesYaml.LoadAllFromString(m.Value, strict: true)).OfType<V1Deployment>(),
                            d => d.Spec.Template.Spec.Volumes?.Any(v => v.PersistentVolumeClaim?.ClaimName == pvc.Metadata.Name) == true);
                        kinds.Add("PersistentVolumeClaim");
                        break;
                    default:
                        Assert.Fail($"{name}: unexpected object {obj.GetType().Name}");
                        break;
                }
            }
        }
        Assert.Contains("Deployment", kinds);
        Assert.Contains("CronJob", kinds);
        Assert.Contains("Service", kinds);
    }

    [Fact]
    public void A_gpu_workload_requests_a_gpu_and_tolerates_the_gpu_taint()
    {
        var workspace = Example();
        var text = Rendering.Files(Session(workspace, "acme-aws-prod"))["kubernetes/beacon.yaml"];
        var job = KubernetesYaml.LoadAllFromString(text, strict: true).OfType<V1Job>().Single(j => j.Metadata.Name == "model-training");
        var pod = job.Spec.Template.Spec;
        Assert.Equal("1", pod.Containers[0].Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Contains(pod.Tolerations, t => t.Key == "nvidia.com/gpu" && t.Effect == "NoSchedule");
        Assert.Equal("gpu", pod.NodeSelector["beacon.io/hardware"]);
        Assert.Equal("gpu-ml", job.Metadata.Labels["beacon.io/layer"]);
    }

    /// <summary>The Compose keys Beacon emits, written from the Compose specification; anything else fails.</summary>
    private static readonly Dictionary<string, string[]> ComposeKeys = new()
    {
        ["$"] = ["name", "services", "networks", "volumes"],
        ["service"] = ["image", "command", "environment", "ports", "networks", "restart", "healthcheck", "deploy", "user", "entrypoint", "volumes", "network_mode", "depends_on", "platform"],
        ["volume"] = ["name"],
        ["depends_on"] = ["condition"],
        ["healthcheck"] = ["test", "interval", "timeout", "retries"],
        ["deploy"] = ["replicas", "resources"],
        ["resources"] = ["limits", "reservations"],
        ["limits"] = ["cpus", "memory"],
        ["reservations"] = ["devices"],
        ["device"] = ["driver", "count", "capabilities"],
        ["network"] = ["name"],
    };

    [Fact]
    public void Compose_files_use_only_compose_keys_publish_on_loopback_and_reserve_gpus()
    {
        var workspace = Example();
        var files = Rendering.Files(Session(workspace, "acme-local")).Where(f => f.Key.StartsWith("compose/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["compose/beacon.yaml", "compose/pricing.yaml", "compose/workspace-alice.yaml", "compose/workspace-bob.yaml"], files.Select(f => f.Key));
        foreach (var (name, text) in files)
        {
            var yaml = new YamlStream();
            yaml.Load(new StringReader(text));
            var root = (YamlMappingNode)yaml.Documents[0].RootNode;
            Keys(root, "$", name);
            foreach (var (_, service) in ((YamlMappingNode)root["services"]).Children)
            {
                var s = (YamlMappingNode)service;
                Keys(s, "service", name);
                if (s.Children.TryGetValue(new YamlScalarNode("ports"), out var ports))
                {
                    Assert.All(((YamlSequenceNode)ports).Children, p => Assert.StartsWith("127.0.0.1:", ((YamlScalarNode)p).Value, StringComparison.Ordinal));
                    Keys((YamlMappingNode)s["healthcheck"], "healthcheck", name);
                }
                if (s.Children.TryGetValue(new YamlScalarNode("depends_on"), out var dependsOn))
                {
                    foreach (var (_, condition) in ((YamlMappingNode)dependsOn).Children)
                    {
                        Keys((YamlMappingNode)condition, "depends_on", name);
                    }
                }
                if (!s.Children.TryGetValue(new YamlScalarNode("deploy"), out var deployNode))
                {
                    // Only a workspace's one-shot service that makes its home volume writable has no limits.
                    Assert.Equal("chown", ((YamlScalarNode)((YamlSequenceNode)s["entrypoint"]).Children[0]).Value);
                    continue;
                }
                var deploy = (YamlMappingNode)deployNode;
                Keys(deploy, "deploy", name);
                var resources = (YamlMappingNode)deploy["resources"];
                Keys(resources, "resources", name);
                Keys((YamlMappingNode)resources["limits"], "limits", name);
                if (resources.Children.TryGetValue(new YamlScalarNode("reservations"), out var reservations))
                {
                    Keys((YamlMappingNode)reservations, "reservations", name);
                    foreach (var device in ((YamlSequenceNode)((YamlMappingNode)reservations)["devices"]).Children)
                    {
                        Keys((YamlMappingNode)device, "device", name);
                    }
                }
            }
            foreach (var (section, kind) in new[] { ("networks", "network"), ("volumes", "volume") })
            {
                if (root.Children.TryGetValue(new YamlScalarNode(section), out var entries))
                {
                    foreach (var entry in ((YamlMappingNode)entries).Children.Values)
                    {
                        Keys((YamlMappingNode)entry, kind, name);
                    }
                }
            }
        }
        Assert.Contains("driver: nvidia", files.Single(f => f.Key == "compose/beacon.yaml").Value, StringComparison.Ordinal);
        Assert.Contains("name: beacon-pricing", files.Single(f => f.Key == "compose/pricing.yaml").Value, StringComparison.Ordinal);
    }

    private static void Keys(YamlMappingNode map, string kind, string file)
    {
        foreach (var key in map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!))
        {
            Assert.True(ComposeKeys[kind].Contains(key), $"{file}: '{key}' is not a Compose key Beacon may emit under {kind}");
        }
    }

    [Fact]
    public void Dockerfiles_of_a_root_and_a_child()
    {
        var workspace = Example();
        var files = Rendering.Files(Session(workspace, "acme-local"));
        Snapshot.Match(files["build/core/Dockerfile"].Replace(GitRevision(files["build/core/Dockerfile"]), "<commit>", StringComparison.Ordinal), "dockerfile-root");
        Snapshot.Match(files["build/snowflake/Dockerfile"].Replace(GitRevision(files["build/snowflake/Dockerfile"]), "<commit>", StringComparison.Ordinal), "dockerfile-child");
        var delta = Conda.Locks.ExplicitLock.Parse(files["build/snowflake/snowflake.delta.lock"]).Value!;
        var full = Conda.Locks.ExplicitLock.Parse(File.ReadAllText(RepoPaths.RepoFile("layers", "snowflake.lock"))).Value!;
        var core = Conda.Locks.ExplicitLock.Parse(File.ReadAllText(RepoPaths.RepoFile("layers", "core.lock"))).Value!;
        Assert.Equal(full.Packages.Count - core.Packages.Count, delta.Packages.Count);
        Assert.DoesNotContain(delta.Packages, p => core.Packages.Any(c => c.DistString == p.DistString));
    }

    private static string GitRevision(string dockerfile) =>
        dockerfile.Split('\n').Single(l => l.Contains("image.revision", StringComparison.Ordinal)).Split('"')[1];

    [Theory]
    [InlineData("core; rm -rf /", "debian:12")]
    [InlineData("core\nRUN evil", "debian:12")]
    [InlineData("core", "debian:12\nRUN curl evil | sh")]
    [InlineData("core", "debian:12; rm -rf /")]
    public void Hostile_values_are_rejected_before_rendering(string layer, string baseImage)
    {
        var lockFile = Conda.Locks.ExplicitLock.Parse("@EXPLICIT\n").Value!;
        Assert.Throws<ArgumentException>(() => BuildContext.ForRoot(layer, baseImage, lockFile, "@EXPLICIT\n", "unknown"));
        if (layer != "core")
        {
            Assert.Throws<ArgumentException>(() => ImageReference.ForLayer("127.0.0.1:5000", layer, "tag"));
        }
    }

    [Fact]
    public void An_unrelated_change_leaves_the_program_unchanged_and_a_lock_change_retags_only_its_subtree()
    {
        using var repo = new TempRepo();
        repo.CopyExample();
        string Program() => Synthesizer.Synthesize(Session(WorkspaceLoader.Load(repo.Root).Workspace!, "acme-gcp-dev")).Program;
        var before = Program();
        File.WriteAllText(repo.Path_("layers/core.yaml"), File.ReadAllText(repo.Path_("layers/core.yaml")).Replace("Acme's production Python", "Acme's Python", StringComparison.Ordinal));
        File.WriteAllText(repo.Path_("README.md"), "unrelated");
        Assert.Equal(before, Program());

        // Image identity is the planner's alone: any change to a lock's bytes retags that image and its descendants.
        // (The gate would refuse the edited lock; the planner, a pure function, is asked directly.)
        Dictionary<string, string> Tags()
        {
            var workspace = WorkspaceLoader.Load(repo.Root).Workspace!;
            return Planner.Build(workspace, workspace.Stack("acme-local")!, Beacon.Layers.Locking.LockStore.ReadAll(workspace), new Dictionary<string, string>())
                .Images.ToDictionary(i => i.Layer, i => i.Reference.Tag);
        }
        var tags = Tags();
        File.AppendAllText(repo.Path_("layers/gpu-ml.lock"), "\n");
        var after = Tags();
        Assert.Equal(tags["core"], after["core"]);
        Assert.Equal(tags["snowflake"], after["snowflake"]);
        Assert.NotEqual(tags["gpu-ml"], after["gpu-ml"]);
        Assert.NotEqual(tags["gpu-ml-nightly"], after["gpu-ml-nightly"]);
    }
}
