using Beacon.Images.Naming;
using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;
using Beacon.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Beacon.Pulumi.Tests.Targets;

/// <summary>
/// The tags Beacon writes, played against each cloud's tag rules as the synthesized program configures them. ECR is
/// modelled from AWS's documented behaviour: in an IMMUTABLE repository a push of a tag that already names another
/// image fails (ImageTagAlreadyExistsException); IMMUTABLE_WITH_EXCLUSION makes the tags matching an exclusion filter
/// (WILDCARD: <c>*</c> matches any run of characters) mutable again. Artifact Registry's <c>immutableTags</c> is one
/// switch for every tag; ACR locks nothing unless an image is locked. No cloud account here: the model is the closest
/// real thing, and the old program (IMMUTABLE without exclusions) is shown to fail it.
/// </summary>
public class RegistryTagRulesTests
{
    private static string Program(string stack)
    {
        var opening = StackSessions.Open(WorkspaceLoader.Load(RepoPaths.Root).Workspace!, stack);
        Assert.True(opening.Success, string.Join("\n", opening.Diagnostics));
        return Synthesizer.Synthesize(opening.Session!).Program;
    }

    private static IEnumerable<YamlMappingNode> Resources(string program, string type)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(program));
        var resources = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["resources"];
        return resources.Children.Values.Cast<YamlMappingNode>().Where(r => ((YamlScalarNode)r["type"]).Value == type)
            .Select(r => (YamlMappingNode)r["properties"]);
    }

    /// <summary>What Beacon writes to one layer's repository over two lock changes, two builds each, publishes and a re-publish.</summary>
    private static readonly (string Tag, string Digest, string Why)[] Writes =
    [
        ("3f2a9c", "sha256:aaa", "build: the identity tag of lock 1"),
        (RegistryTags.BuildCache, "sha256:c1", "build: the registry cache"),
        ("3f2a9c", "sha256:aaa", "a rebuild of lock 1 (same image)"),
        ("experimental", "sha256:aaa", "publish --stage experimental"),
        ("production", "sha256:aaa", "publish --stage production"),
        ("8b71d0", "sha256:bbb", "build: the identity tag of lock 2"),
        (RegistryTags.BuildCache, "sha256:c2", "build: the cache moves"),
        ("production", "sha256:bbb", "publish lock 2: production moves"),
        ("production", "sha256:bbb", "a re-publish"),
    ];

    /// <summary>The first write the rules refuse, or null.</summary>
    private static string? Play(Func<string, bool> locked)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tag, digest, why) in Writes)
        {
            if (tags.TryGetValue(tag, out var existing) && existing != digest && locked(tag))
            {
                return $"{why}: ImageTagAlreadyExistsException for '{tag}'";
            }
            tags[tag] = digest;
        }
        return null;
    }

    private static bool Wildcard(string filter, string tag) =>
        System.Text.RegularExpressions.Regex.IsMatch(tag, "^" + string.Join(".*", filter.Split('*').Select(System.Text.RegularExpressions.Regex.Escape)) + "$");

    private static Func<string, bool> Ecr(YamlMappingNode repository)
    {
        var mutability = ((YamlScalarNode)repository["imageTagMutability"]).Value;
        var filters = repository.Children.TryGetValue("imageTagMutabilityExclusionFilters", out var node)
            ? ((YamlSequenceNode)node).Cast<YamlMappingNode>().Select(f => (Type: ((YamlScalarNode)f["filterType"]).Value, Filter: ((YamlScalarNode)f["filter"]).Value!)).ToList()
            : [];
        Assert.All(filters, f => Assert.Equal("WILDCARD", f.Type));
        return tag => mutability switch
        {
            "MUTABLE" => false,
            "IMMUTABLE" => true,
            "IMMUTABLE_WITH_EXCLUSION" => !filters.Any(f => Wildcard(f.Filter, tag)),
            _ => throw new InvalidOperationException($"unknown mutability {mutability}"),
        };
    }

    [Fact]
    public void Ecr_repositories_lock_identity_tags_and_let_stage_and_cache_tags_move()
    {
        var repositories = Resources(Program("acme-aws-prod"), "aws:ecr/repository:Repository").ToList();
        Assert.NotEmpty(repositories);
        foreach (var repository in repositories)
        {
            var locked = Ecr(repository);
            Assert.Null(Play(locked));
            Assert.True(locked("3f2a9c"), "an identity tag must stay locked");
        }
        // The rules can refuse: the program as it was (IMMUTABLE, no exclusions) fails at the second cache write.
        var old = new YamlMappingNode(new YamlScalarNode("imageTagMutability"), new YamlScalarNode("IMMUTABLE"));
        Assert.Equal("build: the cache moves: ImageTagAlreadyExistsException for 'buildcache'", Play(Ecr(old)));
    }

    [Fact]
    public void Ecr_lifecycle_keeps_what_a_stage_tag_points_at_before_counting_the_rest()
    {
        var policies = Resources(Program("acme-aws-prod"), "aws:ecr/lifecyclePolicy:LifecyclePolicy").ToList();
        Assert.NotEmpty(policies);
        foreach (var policy in policies)
        {
            var rules = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)policy["policy"])["fn::toJSON"])["rules"];
            var first = (YamlMappingNode)((YamlMappingNode)rules[0])["selection"];
            Assert.Equal(Stages.Names, ((YamlSequenceNode)first["tagPrefixList"]).Select(n => ((YamlScalarNode)n).Value));
            Assert.Equal("1", ((YamlScalarNode)((YamlMappingNode)rules[0])["rulePriority"]).Value);
        }
    }

    [Fact]
    public void Artifact_registry_and_acr_leave_tags_mutable_so_stages_can_move()
    {
        var gcp = Resources(Program("acme-gcp-dev"), "gcp:artifactregistry/repository:Repository").Single();
        var immutable = ((YamlScalarNode)((YamlMappingNode)gcp["dockerConfig"])["immutableTags"]).Value == "true";
        Assert.Null(Play(_ => immutable));
        var acr = Resources(Program("globex-azure-prod"), "azure-native:containerregistry:Registry").Single();
        Assert.False(acr.Children.ContainsKey("policies"), "no registry-wide lock on ACR");
        Assert.Null(Play(_ => false));
    }
}
