using Beacon.Images.Planning;
using Beacon.Layers.Loading;
using Beacon.TestSupport;

namespace Beacon.Pulumi.Tests.Schemas;

/// <summary>Every example stack's synthesized program, validated against the providers' schemas.</summary>
public class ExampleStackProgramTests
{
    private static StackSession Session(Workspace workspace, string stack)
    {
        var opening = StackSessions.Open(workspace, stack);
        Assert.True(opening.Success, string.Join("\n", opening.Diagnostics));
        return opening.Session!;
    }

    private static readonly Lazy<PulumiSchemaValidator> Validator = new(() => new PulumiSchemaValidator());

    public static TheoryData<string> Stacks() => ["acme-local", "acme-aws-prod", "acme-gcp-dev", "globex-azure-prod", "globex-k8s"];

    private static Workspace Example() => WorkspaceLoader.Load(RepoPaths.Root).Workspace!;

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Program_is_accepted_by_the_provider_schemas(string stack)
    {
        var workspace = Example();
        var synthesis = Synthesizer.Synthesize(Session(workspace, stack));
        var errors = Validator.Value.Validate(synthesis.Program);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>Same inputs, same bytes, wherever the repository lies (the whole-process version is in Beacon.Infra.Tests).</summary>
    [Theory]
    [MemberData(nameof(Stacks))]
    public void Program_does_not_depend_on_where_the_repository_is(string stack)
    {
        using var one = new TempRepo("beacon-one-");
        using var two = new TempRepo("beacon-two-other-name-");
        one.CopyExample();
        two.CopyExample();
        var a = Synthesizer.Synthesize(Session(WorkspaceLoader.Load(one.Root).Workspace!, stack));
        var b = Synthesizer.Synthesize(Session(WorkspaceLoader.Load(two.Root).Workspace!, stack));
        Assert.Equal(a.Program, b.Program);
        Assert.Equal(a.Files, b.Files);
        Assert.DoesNotContain(one.Root, a.Program, StringComparison.Ordinal);
    }

    /// <summary>
    /// beacon:builder oci: the program builds nothing and deploys, by digest, the images Beacon pushed under their
    /// planned identity tags (resolved by docker:getRegistryImage at preview), with the registry's credentials from
    /// Pulumi config; no build context is written.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stacks))]
    public void With_the_oci_builder_the_program_deploys_the_pushed_digests_and_builds_nothing(string stack)
    {
        using var repo = new TempRepo("beacon-oci-program-");
        repo.CopyExample();
        var file = $"stacks/Pulumi.{stack}.yaml";
        var text = File.ReadAllText(repo.Path_(file));
        repo.Write(file, text.Replace("config:\n", "config:\n  beacon:builder: oci\n" +
            (text.Contains("beacon:registry:", StringComparison.Ordinal) ? "" : "  beacon:registry: registry.example.com/acme\n"), StringComparison.Ordinal));
        var session = Session(WorkspaceLoader.Load(repo.Root).Workspace!, stack);
        var synthesis = Synthesizer.Synthesize(session);

        var errors = Validator.Value.Validate(synthesis.Program);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.DoesNotContain("docker-build", synthesis.Program, StringComparison.Ordinal);
        Assert.DoesNotContain(synthesis.Files.Keys, k => k.EndsWith("/Dockerfile", StringComparison.Ordinal));
        var plan = synthesis.Plan;
        Assert.Equal(plan.Images.Count, synthesis.Program.Split("function: docker:index/getRegistryImage:getRegistryImage").Length - 1);
        foreach (var image in plan.Images)
        {
            Assert.Equal(Beacon.Images.Building.OciIdentity.Tag(image.Parent is { } p ? plan.Images.Single(i => i.Layer == p).Tag : session.Locks[image.Layer].Lock!.BaseImage!,
                "/opt/conda", session.Locks[image.Layer].Text), image.Tag);
            Assert.Contains($"name: {image.Reference}\n", synthesis.Program, StringComparison.Ordinal);
        }
        foreach (var w in plan.Workloads.Where(w => stack != "acme-local" || w.Kind != Beacon.Layers.Documents.WorkloadKind.CronJob))
        {
            if (stack == "acme-local")
            {
                Assert.Contains(w.Image.ToString(), synthesis.Files.Single(f => f.Key.EndsWith($"/compose/{w.Group}.yaml", StringComparison.Ordinal)).Value, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains($"image: {plan.Registry}/{w.Layer}@${{digest-{w.Layer}}}\n", synthesis.Program, StringComparison.Ordinal);
            }
        }
        Assert.Contains("password: ${registryPassword}", synthesis.Program, StringComparison.Ordinal);
    }

    /// <summary>The Arm root on AWS: a Graviton node group, the image built for linux/arm64, the workload placed on arm64 nodes.</summary>
    [Fact]
    public void A_second_root_on_linux_aarch64_gets_arm_nodes_and_arm_images()
    {
        var synthesis = Synthesizer.Synthesize(Session(Example(), "acme-aws-prod"));
        var program = synthesis.Program;
        Assert.Contains("  nodes-cpu-arm64:\n    type: aws:eks/nodeGroup:NodeGroup\n", program, StringComparison.Ordinal);
        var nodeGroup = program[program.IndexOf("  nodes-cpu-arm64:", StringComparison.Ordinal)..];
        nodeGroup = nodeGroup[..(System.Text.RegularExpressions.Regex.Match(nodeGroup[1..], "\n  [a-z]").Index + 1)];
        // The cpu profile (2 CPUs, 8Gi) does not fit an m7g.large's allocatable (2 vCPU, 8 GiB less EKS's reservations):
        // its pods would stay Pending there.
        Assert.Contains("- m7g.xlarge", nodeGroup, StringComparison.Ordinal);
        Assert.Contains("amiType: AL2023_ARM_64_STANDARD", nodeGroup, StringComparison.Ordinal);
        Assert.Contains("beacon.io/hardware: cpu-arm64", nodeGroup, StringComparison.Ordinal);
        var image = program[program.IndexOf("  image-core-arm:", StringComparison.Ordinal)..];
        Assert.Contains("      platforms:\n      - linux/arm64\n", image[..image.IndexOf("options:", StringComparison.Ordinal)], StringComparison.Ordinal);
        var deployment = program[program.IndexOf("  deployment-pricing-pricing-api-arm:", StringComparison.Ordinal)..];
        deployment = deployment[..(System.Text.RegularExpressions.Regex.Match(deployment[1..], "\n  [a-z]").Index + 1)];
        Assert.Contains("kubernetes.io/arch: arm64", deployment, StringComparison.Ordinal);
        Assert.Contains("beacon.io/hardware: cpu-arm64", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_catches_what_preview_would_reject()
    {
        var bad = """
            name: beacon
            runtime: yaml
            resources:
              p:
                type: pulumi:providers:aws
              repo:
                type: aws:ecr/repository:Repository
                properties:
                  nmae: x
                  imageScanningConfiguration: {scanOnPush: "yes"}
                options:
                  provider: ${p}
                  dependsOn: ["${missing}"]
              ng:
                type: aws:eks/nodeGroup:NodeGroup
                properties:
                  clusterName: ${nowhere.name}
                  scalingConfig: {minSize: one, maxSize: 2, desiredSize: 1}
              nope:
                type: aws:ec2/instance:Instance
            outputs:
              x: ${repo.repositoryUrl}
            """;
        var errors = Validator.Value.Validate(bad);
        Assert.Contains(errors, e => e.Contains("'nmae' is not an input", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'yes' is not a boolean", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'${missing}' is not a declared resource", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("refers to 'nowhere'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'one' is not a integer", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("required input 'nodeRoleArn'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'aws:ec2/instance:Instance' is not a resource", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("must pin its plugin version", StringComparison.Ordinal));
    }
}
