using System.Text.RegularExpressions;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Validation;
using Beacon.Layers.Yaml;
using YamlDotNet.RepresentationModel;

namespace Beacon.Layers.Loading;

/// <summary>
/// Reads <c>stacks/Pulumi.&lt;stack&gt;.yaml</c>. The file belongs to Pulumi: top-level keys and non-Beacon config
/// keys are Pulumi's and the providers' business; only <c>beacon:*</c> keys are checked strictly.
/// </summary>
public static partial class StackReader
{
    private static readonly string[] PulumiTopLevelKeys = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

    private static readonly Dictionary<CloudTarget, string> RegionKeys = new()
    {
        [CloudTarget.Aws] = "aws:region",
        [CloudTarget.Gcp] = "gcp:region",
        [CloudTarget.Azure] = "azure-native:location",
    };

    public static StackDocument? Read(string file, YamlNode root, DiagnosticBag bag)
    {
        var fileName = Path.GetFileName(file);
        var match = StackFileName().Match(fileName);
        if (!match.Success || !Names.IsDnsLabel(match.Groups[1].Value))
        {
            bag.Error(new SourceLocation(file), DiagnosticCode.InvalidStackName,
                $"'{fileName}' is not a stack file name: use Pulumi.<stack>.yaml where <stack> is {Names.DnsLabelRule}");
            return null;
        }
        var stackName = match.Groups[1].Value;
        var top = MappingReader.For(file, root, bag, "a Pulumi stack file");
        if (top is null)
        {
            return null;
        }
        foreach (var key in PulumiTopLevelKeys.Skip(1))
        {
            top.Raw(key);
        }
        var config = top.Mapping("config", required: true);
        top.ReportUnknownKeys();
        if (config is null)
        {
            return null;
        }

        var beaconKeys = new[] { "beacon:cloud", "beacon:registry", "beacon:stages", "beacon:cluster", "beacon:nodePools", "beacon:hardware", "beacon:namespace", "beacon:subnetIds", "beacon:registryUsername", "beacon:registryPassword", "beacon:builder", "beacon:platforms" };
        var cloudText = config.String("beacon:cloud", required: true);
        CloudTarget cloud = default;
        var cloudOk = cloudText is { } ct && CloudTargets.TryParse(ct.Value, out cloud);
        if (cloudText is { } c && !cloudOk)
        {
            bag.Error(c.Location, DiagnosticCode.UnknownCloud,
                $"beacon:cloud '{c.Value}' is not one of: {string.Join(", ", CloudTargets.Names)}{Suggestions.DidYouMean(c.Value, CloudTargets.Names)}");
        }

        var registry = config.String("beacon:registry");
        if (registry is { } r && !Names.IsImageReference(r.Value.TrimEnd('/')))
        {
            bag.Error(r.Location, DiagnosticCode.InvalidStackSetting, $"beacon:registry '{r.Value}' is not a registry address such as 127.0.0.1:5000 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/acme");
        }
        if (cloudOk && cloud is CloudTarget.Kubernetes && registry is null)
        {
            bag.Error(config.Location, DiagnosticCode.InvalidStackSetting, "a kubernetes stack needs beacon:registry (the cluster pulls images from it)");
        }

        var builder = ImageBuilderKind.Docker;
        if (config.String("beacon:builder") is { } b)
        {
            if (!ImageBuilderKinds.TryParse(b.Value, out builder))
            {
                bag.Error(b.Location, DiagnosticCode.InvalidStackSetting,
                    $"beacon:builder '{b.Value}' is not one of: {string.Join(", ", ImageBuilderKinds.Names)}{Suggestions.DidYouMean(b.Value, ImageBuilderKinds.Names)}");
            }
            else if (builder == ImageBuilderKind.Oci && registry is null)
            {
                // Beacon pushes the images before `pulumi up`, so the registry cannot be one the stack creates.
                bag.Error(b.Location, DiagnosticCode.InvalidStackSetting, "beacon:builder 'oci' pushes the images before 'pulumi up': name the registry in beacon:registry");
            }
        }

        var platforms = config.StringList("beacon:platforms", allowSingle: true);
        foreach (var p in platforms ?? [])
        {
            if (!Conda.Specs.Subdirs.IsKnown(p.Value))
            {
                bag.Error(p.Location, DiagnosticCode.InvalidStackSetting, $"beacon:platforms: '{p.Value}' is not a conda subdir{Suggestions.DidYouMean(p.Value, Conda.Specs.Subdirs.Known)}");
            }
        }

        var stages = new List<Stage>();
        foreach (var s in config.StringList("beacon:stages", allowSingle: true) ?? [new Located<string>("production", config.Location)])
        {
            if (Stages.TryParse(s.Value, out var stage))
            {
                stages.Add(stage);
            }
            else
            {
                bag.Error(s.Location, DiagnosticCode.UnknownStage, $"stage '{s.Value}' is not one of: {string.Join(", ", Stages.Names)}{Suggestions.DidYouMean(s.Value, Stages.Names)}");
            }
        }

        var cluster = ReadCluster(config, cloudOk ? cloud : null, bag);
        var nodePools = ReadNodePools(config.Mapping("beacon:nodePools"), bag);
        var hardware = HardwareReader.ReadProfiles(config.Mapping("beacon:hardware"), bag);
        var ns = config.String("beacon:namespace");
        if (ns is { } n)
        {
            LayerReader.CheckName(n, "namespace", bag);
        }
        var subnetIds = config.StringList("beacon:subnetIds")?.Select(s => s.Value).ToList() ?? [];
        if (cloudOk && cloud == CloudTarget.Aws && cluster.Create && subnetIds.Count < 2)
        {
            bag.Error(config.Location, DiagnosticCode.InvalidStackSetting, "an aws stack that creates its EKS cluster needs beacon:subnetIds (at least two subnets in different availability zones)");
        }
        config.Raw("beacon:registryUsername");
        config.Raw("beacon:registryPassword");
        string? region = null;
        if (cloudOk && RegionKeys.TryGetValue(cloud, out var regionKey))
        {
            region = config.String(regionKey)?.Value;
        }

        // Other namespaces' keys are Pulumi's; unknown beacon:* keys are ours and get a suggestion.
        foreach (var (key, keyNode, _) in config.Entries())
        {
            if (key.StartsWith("beacon:", StringComparison.Ordinal) && !beaconKeys.Contains(key))
            {
                bag.Error(Nodes.At(file, keyNode), DiagnosticCode.UnknownKey, $"unknown key '{key}' in stack config{Suggestions.DidYouMean(key, beaconKeys)}");
            }
            else if (!key.Contains(':', StringComparison.Ordinal))
            {
                bag.Error(Nodes.At(file, keyNode), DiagnosticCode.InvalidStackSetting, $"config key '{key}' needs a namespace, e.g. 'beacon:{key}' or 'aws:{key}'");
            }
        }

        if (!cloudOk)
        {
            return null;
        }
        return new StackDocument
        {
            Name = stackName,
            File = file,
            Cloud = cloud,
            Registry = registry?.Value,
            Builder = builder,
            Platforms = platforms?.Select(p => p.Value).ToList(),
            Stages = stages,
            Cluster = cluster,
            Region = region,
            NodePools = nodePools,
            Hardware = hardware,
            Namespace = ns?.Value,
            SubnetIds = subnetIds,
        };
    }

    private static ClusterSetting ReadCluster(MappingReader config, CloudTarget? cloud, DiagnosticBag bag)
    {
        var node = config.Raw("beacon:cluster");
        var defaultCreate = cloud is CloudTarget.Aws or CloudTarget.Gcp or CloudTarget.Azure;
        if (node is null)
        {
            if (cloud is CloudTarget.Kubernetes)
            {
                bag.Error(config.Location, DiagnosticCode.InvalidStackSetting, "a kubernetes stack needs beacon:cluster with the kubeconfig of the existing cluster, e.g. {kubeconfig: ~/.kube/config, context: prod}");
            }
            return new ClusterSetting(defaultCreate, null, null, null);
        }
        if (node is YamlScalarNode { Value: "create" })
        {
            if (cloud is CloudTarget.Kubernetes or CloudTarget.Local)
            {
                bag.Error(Nodes.At(config.File, node), DiagnosticCode.InvalidStackSetting, $"beacon:cluster 'create' is not possible for a {cloud.Value.ToText()} stack");
            }
            return new ClusterSetting(true, null, null, null);
        }
        var map = MappingReader.For(config.File, node, bag, "beacon:cluster ('create' or {kubeconfig, context} or {name})");
        if (map is null)
        {
            return new ClusterSetting(defaultCreate, null, null, null);
        }
        var kubeconfig = map.String("kubeconfig")?.Value;
        var context = map.String("context")?.Value;
        var name = map.String("name");
        if (name is { } n)
        {
            LayerReader.CheckName(n, "cluster name", bag);
        }
        map.ReportUnknownKeys();
        if (cloud is CloudTarget.Kubernetes && kubeconfig is null)
        {
            bag.Error(map.Location, DiagnosticCode.InvalidStackSetting, "a kubernetes stack's beacon:cluster needs 'kubeconfig'");
        }
        return new ClusterSetting(kubeconfig is null && defaultCreate && name is null, kubeconfig, context, name?.Value);
    }

    private static SortedDictionary<string, NodePoolSize> ReadNodePools(MappingReader? map, DiagnosticBag bag)
    {
        var result = new SortedDictionary<string, NodePoolSize>(StringComparer.Ordinal);
        if (map is null)
        {
            return result;
        }
        foreach (var (name, pool) in map.NamedMappings("node pool"))
        {
            var min = pool.Integer("min", required: true, min: 0, max: 1000);
            var max = pool.Integer("max", required: true, min: 1, max: 1000);
            pool.ReportUnknownKeys();
            if (min is { } lo && max is { } hi)
            {
                if (lo.Value > hi.Value)
                {
                    bag.Error(lo.Location, DiagnosticCode.InvalidStackSetting, $"node pool '{name}': min {lo.Value} is larger than max {hi.Value}");
                }
                result[name] = new NodePoolSize((int)lo.Value, (int)hi.Value);
            }
        }
        return result;
    }

    [GeneratedRegex(@"^Pulumi\.(.+)\.ya?ml$")]
    private static partial Regex StackFileName();
}
