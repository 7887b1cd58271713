using Beacon.Images.Planning;
using Beacon.Layers.Loading;
using Beacon.TestSupport;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace Beacon.Pulumi.Tests.Targets;

/// <summary>
/// Values written to interpolate (Pulumi's ${...}, Compose's $VAR, Kubernetes' $(VAR)) go through every renderer and
/// are parsed back: each format's reader must see exactly what the workload file says. Before escaping, a workload's
/// <c>env: {X: "${registryPassword}"}</c> handed the registry secret to the container.
/// </summary>
public sealed class HostileValuesTests : IDisposable
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["PULUMI_SECRET"] = "${registryPassword}",
        ["PULUMI_OUTPUT"] = "${image-core.ref} and $${kept} and $$${again}",
        ["SHELL"] = "$HOME, ${HOME} and $$",
        ["KUBERNETES"] = "$(SECRET) and $$(kept)",
        ["QUOTES"] = "\"' ` \\ # : - [ ] { } & * ! | > % @",
        ["UNICODE"] = "ünïcødé ✓",
    };

    private static readonly string[] Command = ["sh", "-c", "echo ${registryPassword} $(SECRET) $HOME"];

    private readonly TempRepo _repo = new("beacon-hostile-");

    public HostileValuesTests()
    {
        _repo.CopyExample();
        var env = string.Concat(Env.Select(kv => $"  {kv.Key}: \"{kv.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n"));
        var command = string.Join(", ", Command.Select(c => $"\"{c}\""));
        _repo.Write("workloads/hostile.yaml", $"name: hostile\nkind: service\ncommand: [{command}]\nrequires: [python]\nports: [18443]\ngroup: hostile\nenv:\n{env}");
    }

    public void Dispose() => _repo.Dispose();

    private StackSession Session(string stack)
    {
        var loaded = WorkspaceLoader.Load(_repo.Root);
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        var opening = StackSessions.Open(loaded.Workspace!, stack);
        Assert.True(opening.Success, string.Join("\n", opening.Diagnostics));
        return opening.Session!;
    }

    public static TheoryData<string> KubernetesStacks() => ["acme-aws-prod", "acme-gcp-dev", "globex-azure-prod", "globex-k8s"];

    [Theory]
    [MemberData(nameof(KubernetesStacks))]
    public void The_pulumi_program_carries_the_values_as_written(string stack)
    {
        var program = Synthesizer.Synthesize(Session(stack)).Program;
        var errors = new Schemas.PulumiSchemaValidator().Validate(program);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var yaml = new YamlStream();
        yaml.Load(new StringReader(program));
        var resources = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["resources"];
        var deployment = (YamlMappingNode)resources["deployment-hostile-hostile"];
        var container = (YamlMappingNode)((YamlSequenceNode)Path(deployment, "properties", "spec", "template", "spec", "containers"))[0];
        // Pulumi YAML reads $${ as a literal ${; Kubernetes then reads $$( as a literal $(.
        var env = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>()
            .ToDictionary(e => ((YamlScalarNode)e["name"]).Value!, e => Unescape(((YamlScalarNode)e["value"]).Value!));
        Assert.Equal(Env, env);
        Assert.Equal(Command, ((YamlSequenceNode)container["command"]).Select(c => Unescape(((YamlScalarNode)c).Value!)));
        // No value of the workload is left for Pulumi to interpolate.
        Assert.DoesNotContain("value: ${registryPassword}", program, StringComparison.Ordinal);
        Assert.DoesNotContain(" ${registryPassword} ", program, StringComparison.Ordinal);

        static string Unescape(string text) => PulumiReads(text).Replace("$$(", "$(", StringComparison.Ordinal);
    }

    [Fact]
    public void The_compose_file_carries_the_values_as_written()
    {
        var compose = Rendering.Files(Session("acme-local"))["compose/hostile.yaml"];
        var yaml = new YamlStream();
        yaml.Load(new StringReader(compose));
        var service = (YamlMappingNode)Path((YamlMappingNode)yaml.Documents[0].RootNode, "services", "hostile");
        // Compose reads $$ as a literal $ and substitutes every other $.
        var env = ((YamlMappingNode)service["environment"]).Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ComposeReads(((YamlScalarNode)kv.Value).Value!));
        Assert.Equal(Env, env);
        Assert.Equal(Command, ((YamlSequenceNode)service["command"]).Select(c => ComposeReads(((YamlScalarNode)c).Value!)));
    }

    [Fact]
    public void The_kubernetes_manifests_carry_the_values_as_written()
    {
        var manifest = Rendering.Files(Session("globex-k8s"))["kubernetes/hostile.yaml"];
        var deployment = KubernetesYaml.LoadAllFromString(manifest, strict: true).OfType<V1Deployment>().Single();
        var container = deployment.Spec.Template.Spec.Containers.Single();
        Assert.Equal(Env, container.Env.ToDictionary(e => e.Name, e => e.Value.Replace("$$(", "$(", StringComparison.Ordinal)));
        Assert.Equal(Command, container.Command.Select(c => c.Replace("$$(", "$(", StringComparison.Ordinal)));
    }

    /// <summary>
    /// What Pulumi YAML makes of a scalar, as pulumi-yaml's parseInterpolate reads it left to right: "$$" is a literal
    /// "$", "${" starts an interpolation (which no user value may contain), anything else is itself.
    /// </summary>
    private static string PulumiReads(string text)
    {
        var result = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '$')
            {
                result.Append('$');
                i++;
            }
            else
            {
                Assert.False(text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{', $"'{text}' would be interpolated by Pulumi");
                result.Append(text[i]);
            }
        }
        return result.ToString();
    }

    /// <summary>What Compose makes of a value: $$ is a literal $ (no lone $ may remain in a user's value).</summary>
    private static string ComposeReads(string text)
    {
        Assert.DoesNotContain("$", text.Replace("$$", "", StringComparison.Ordinal), StringComparison.Ordinal);
        return text.Replace("$$", "$", StringComparison.Ordinal);
    }

    private static YamlNode Path(YamlMappingNode node, params string[] keys)
    {
        YamlNode current = node;
        foreach (var key in keys)
        {
            current = ((YamlMappingNode)current)[key];
        }
        return current;
    }
}
