using System.Text.Json;
using System.Text.RegularExpressions;
using Beacon.GitOps.Workflows;
using Beacon.TestSupport;
using Json.Schema;

namespace Beacon.GitOps.Tests.Workflows;

/// <summary>
/// The workflows are valid GitHub workflows (the schema GitHub's editors use, tests/fixtures/github-schemas), their
/// shell is shellcheck-clean, actions are pinned to a version, permissions are least-privilege, and no secret is
/// expanded inside a shell line.
/// </summary>
public partial class WorkflowTests
{
    private static readonly string Folder = RepoPaths.RepoFile(".github", "workflows");

    private static IEnumerable<string> Names() => Directory.GetFiles(Folder, "*.yml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    public static TheoryData<string> Files() => [.. Names()];

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(Fixtures.ReadAllText("github-schemas", "github-workflow.json")));

    [Fact]
    public void The_loop_has_its_workflows_and_init_writes_exactly_them()
    {
        Assert.Equal(["build-layer.yml", "deploy.yml", "pull-request.yml", "upgrade.yml"], Names());
        foreach (var (path, text) in WorkflowFiles.All)
        {
            Assert.Equal(File.ReadAllText(RepoPaths.RepoFile(path)), text);
        }
        Assert.Equal(4, WorkflowFiles.All.Count);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_workflow_is_valid_against_the_github_workflow_schema(string file)
    {
        var workflow = new WorkflowDocument(Path.Combine(Folder, file));
        var result = Schema.Value.Evaluate(JsonSerializer.SerializeToElement(workflow.Json), new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", result.Details!.Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))));
    }

    [Fact]
    public void The_schema_check_can_fail()
    {
        var bad = new WorkflowDocument(Path.Combine(Folder, "pull-request.yml")).Json;
        bad["jobs"]!["gate"]!["runs-on"] = 5;
        bad["jobs"]!["gate"]!["permissions"]!["pull-requests"] = "everything";
        Assert.False(Schema.Value.Evaluate(JsonSerializer.SerializeToElement(bad)).IsValid);
    }

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void Every_run_block_is_shellcheck_clean(string file)
    {
        TestServices.NeedTool("shellcheck");
        var workflow = new WorkflowDocument(Path.Combine(Folder, file));
        using var dir = new TempRepo("beacon-shellcheck-");
        var blocks = workflow.Steps().Where(s => s.Step["run"] is not null).Select((s, i) => (Name: $"{s.Job}-{i}.sh", Run: s.Step["run"]!.GetValue<string>())).ToList();
        Assert.NotEmpty(blocks);
        foreach (var (name, run) in blocks)
        {
            // The runner replaces ${{ … }} before the shell sees the line; a plain word stands in for it here.
            dir.Write(name, "#!/usr/bin/env bash\nset -euo pipefail\n" + Expression().Replace(run, "EXPRESSION"));
        }
        var result = ProcessRunner.Run("shellcheck", ["--severity=style", "--shell=bash", .. blocks.Select(b => dir.Path_(b.Name))]);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Actions_are_pinned_permissions_are_least_privilege_and_no_secret_reaches_a_shell_line(string file)
    {
        var workflow = new WorkflowDocument(Path.Combine(Folder, file));
        Assert.Equal("read", (string?)workflow.Json["permissions"]!["contents"]);
        Assert.Single(workflow.Json["permissions"]!.AsObject());
        foreach (var (job, step) in workflow.Steps())
        {
            if (step["uses"] is { } uses)
            {
                Assert.Matches(@"^[a-z0-9-]+/[a-z0-9-]+@v[0-9]+(\.[0-9]+)*$", uses.GetValue<string>());
            }
            if (step["run"] is { } run)
            {
                Assert.DoesNotContain("secrets.", run.GetValue<string>(), StringComparison.Ordinal);
                Assert.DoesNotMatch(@"\$\{\{\s*(github\.event|github\.head_ref|inputs)", run.GetValue<string>()); // untrusted text only through env
            }
        }
        foreach (var (name, job) in workflow.Json["jobs"]!.AsObject())
        {
            if (job!["uses"] is { } called)
            {
                // A job that calls a workflow of this repository: its timeout and permissions are the called job's.
                Assert.Matches(@"^\./\.github/workflows/[a-z0-9-]+\.yml$", called.GetValue<string>());
                Assert.True(File.Exists(RepoPaths.RepoFile(called.GetValue<string>()[2..])), $"job {name} calls a missing workflow");
                continue;
            }
            Assert.True(job["timeout-minutes"] is not null, $"job {name} has no timeout-minutes");
            var permissions = job["permissions"]?.AsObject();
            Assert.True(permissions is null || permissions.All(p => (string?)p.Value is "read" or "write" or "none"), name);
        }
    }

    [GeneratedRegex(@"\$\{\{[^}]*\}\}")]
    private static partial Regex Expression();
}
