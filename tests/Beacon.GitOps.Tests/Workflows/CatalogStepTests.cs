using Beacon.TestSupport;

namespace Beacon.GitOps.Tests.Workflows;

/// <summary>
/// The workflows' catalog steps played on the example organisation: the pull request's and the deploy's `beacon
/// catalog` step write the folder their upload steps attach (the same path), and the page is there.
/// </summary>
public sealed class CatalogStepTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-catalog-step-");

    [Theory]
    [InlineData("pull-request.yml", "actions/upload-artifact@v4")]
    [InlineData("deploy.yml", "actions/upload-pages-artifact@v3")]
    public void The_catalog_step_writes_the_folder_its_upload_step_attaches(string file, string upload)
    {
        _repo.CopyExample();
        WorkflowRunner.Git(_repo, "init", "-q", "-b", "main");
        WorkflowRunner.Git(_repo, "-c", "user.email=dev@acme.example", "-c", "user.name=A Developer", "add", "-A");
        WorkflowRunner.Git(_repo, "-c", "user.email=dev@acme.example", "-c", "user.name=A Developer", "commit", "-q", "-m", "the organisation");
        var workflow = new WorkflowDocument(RepoPaths.RepoFile(".github", "workflows", file));
        using var runner = new WorkflowRunner(_repo, workflow);

        var result = runner.Step("catalog");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.StartsWith("wrote ", result.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(runner.RunnerTemp, "catalog", "index.html")));
        Assert.True(File.Exists(Path.Combine(runner.RunnerTemp, "catalog", "catalog-data.js")));
        var attach = workflow.Steps().Single(s => (string?)s.Step["uses"] == upload).Step;
        Assert.Equal("${{ runner.temp }}/catalog", (string?)attach["with"]!["path"]);
    }

    public void Dispose() => _repo.Dispose();
}
