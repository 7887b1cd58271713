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
        ["KUBERNETES_ESCAPES"] = "$$HOME $$ $ ${ $$$(PULUMI_SECRET) $( $() $$$",
        ["REFERENCES_ANOTHER"] = "$(PULUMI_SECRET)",
        ["LONE"] = "$",
        ["QUOTES"] = "\"' ` \\ # : - [ ] { } & * ! | > % @",
        ["UNICODE"] = "ünïcødé ✓",
    };

    private static readonly string[] Command = ["sh", "-c", "echo ${registryPassword} $(SECRET) $HOME $$HOME $(LONE) $$(LONE) $"];

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
        // Pulumi YAML reads $$ as a literal $; Kubernetes then expands what Pulumi hands it.
        var env = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>()
            .ToDictionary(e => ((YamlScalarNode)e["name"]).Value!, e => Unescape(((YamlScalarNode)e["value"]).Value!));
        Assert.Equal(Env, env);
        Assert.Equal(Command, ((YamlSequenceNode)container["command"]).Select(c => Unescape(((YamlScalarNode)c).Value!)));
        // No value of the workload is left for Pulumi to interpolate.
        Assert.DoesNotContain("value: ${registryPassword}", program, StringComparison.Ordinal);
        Assert.DoesNotContain(" ${registryPassword} ", program, StringComparison.Ordinal);

        static string Unescape(string text) => KubernetesReads(PulumiReads(text));
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
        Assert.Equal(Env, container.Env.ToDictionary(e => e.Name, e => KubernetesReads(e.Value)));
        Assert.Equal(Command, container.Command.Select(KubernetesReads));
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

    /// <summary>
    /// What the kubelet makes of a container's command, argument or environment value, by the rules of
    /// k8s.io/kubernetes third_party/forked/golang/expansion (written here from its documented behaviour): "$$" is a
    /// literal "$", "$(NAME)" is replaced by the variable (every name resolves here, to a marker that cannot match,
    /// so an unescaped reference shows), "$(" without a closing parenthesis and any other "$x" or a final "$" stay as
    /// they are.
    /// </summary>
    private static string KubernetesReads(string text)
    {
        var result = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 == text.Length)
            {
                result.Append(text[i]);
            }
            else if (text[i + 1] == '$')
            {
                result.Append('$');
                i++;
            }
            else if (text[i + 1] == '(' && text.IndexOf(')', i + 2) is var close and >= 0)
            {
                result.Append("<expanded ").Append(text, i + 2, close - i - 2).Append('>');
                i = close;
            }
            else
            {
                result.Append(text[i]);
            }
        }
        return result.ToString();
    }

    [Theory]
    [InlineData("$$", "$")]
    [InlineData("$$(A)", "$(A)")]
    [InlineData("$(A)", "<expanded A>")]
    [InlineData("$(A", "$(A")]
    [InlineData("$HOME $", "$HOME $")]
    [InlineData("$$$(A)", "$<expanded A>")]
    public void The_kubernetes_reader_model_follows_the_kubelet(string text, string expected) => Assert.Equal(expected, KubernetesReads(text));

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
