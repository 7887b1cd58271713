using Beacon.Images.Planning;
using Beacon.Images.Rendering;
using Beacon.Layers.Loading;
using Beacon.Pulumi.Model;
using Beacon.TestSupport;

namespace Beacon.Pulumi.Tests.Targets;

/// <summary>
/// The in-cluster build Jobs (<c>beacon build --emit kubernetes</c>) against the kubernetes provider's schema, as the
/// workloads' objects are: each Job as a <c>kubernetes:batch/v1:Job</c> resource of a Pulumi YAML program. No API
/// server runs here; the provider schema (tests/fixtures/pulumi-schemas) and strict parsing (Images.Tests) are the check.
/// </summary>
public class BuildJobsSchemaTests
{
    [Theory]
    [InlineData("globex-k8s")]
    [InlineData("acme-local")]
    public void The_build_jobs_are_valid_kubernetes_objects_for_the_provider(string stack)
    {
        var opening = StackSessions.Open(WorkspaceLoader.Load(RepoPaths.Root).Workspace!, stack,
            new StackOptions { Builder = Beacon.Layers.Documents.ImageBuilderKind.Oci, Commits = _ => new Dictionary<string, string>() });
        Assert.True(opening.Success, string.Join("\n", opening.Diagnostics));
        var options = new BuildJobOptions("ghcr.io/acme/beacon:1.4", "git@github.com:acme/layers.git", new string('b', 40), "registry-creds", "builds", "git-token");
        var program = new PulumiProgram("build jobs");
        var objects = BuildJobs.For(opening.Session!.Plan, [], options);
        foreach (var obj in objects)
        {
            program.Resource($"{obj.Kind.ToLowerInvariant()}-{obj.Name}", obj.PulumiType, new Map().Add("metadata", obj.Metadata).Add("spec", obj.Spec.Count == 0 ? null : obj.Spec));
        }
        Assert.Equal(opening.Session.Plan.Images.Count + 1, program.ResourceCount);
        var errors = new Schemas.PulumiSchemaValidator().Validate(program.Render());
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void The_schema_check_sees_a_field_the_job_does_not_have()
    {
        var program = new PulumiProgram("bad job");
        program.Resource("job-x", "kubernetes:batch/v1:Job", new Map().Add("metadata", new Map().Add("name", "x")).Add("spec", new Map().Add("backofLimit", 3)));
        Assert.NotEmpty(new Schemas.PulumiSchemaValidator().Validate(program.Render()));
    }
}
