using System.Text.Json;
using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>
/// The two faces of one impact rule: the workflows' matrix (<c>stacks --affected --json</c>) and the pull-request
/// comment (<c>diff --json</c>'s <c>affected_stacks</c>) name the same stacks, on a real git repository.
/// </summary>
public sealed class StacksCommandTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-stacks-");

    private void Git(params string[] args) => _repo.Git(args);

    private (string[] Matrix, string[] Comment) Both()
    {
        var stacks = InProcess.Beacon(_repo.Root, "stacks", "--affected", "--base", "main", "--json");
        Assert.True(stacks.ExitCode == 0, stacks.Stderr);
        var diff = InProcess.Beacon(_repo.Root, "diff", "--base", "main", "--json");
        Assert.True(diff.ExitCode == 0, diff.Stderr);
        var comment = JsonDocument.Parse(diff.Stdout).RootElement.GetProperty("affected_stacks").EnumerateArray().Select(e => e.GetString()!).ToArray();
        return (JsonSerializer.Deserialize<string[]>(stacks.Stdout)!, comment);
    }

    [Fact]
    public void The_matrix_and_the_comment_name_the_same_stacks()
    {
        _repo.CopyExample();
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("commit", "-q", "-m", "base");

        var (matrix, comment) = Both();
        Assert.Empty(matrix);
        Assert.Empty(comment);

        var file = _repo.Path_("stacks/Pulumi.acme-aws-prod.yaml");
        File.WriteAllText(file, File.ReadAllText(file).Replace("aws:region: us-east-1", "aws:region: eu-west-1", StringComparison.Ordinal));
        (matrix, comment) = Both();
        Assert.Equal(["acme-aws-prod"], matrix);
        Assert.Equal(matrix, comment);

        file = _repo.Path_("developers/alice.yaml");
        File.WriteAllText(file, File.ReadAllText(file).Replace("storage: 20Gi", "storage: 40Gi", StringComparison.Ordinal));
        (matrix, comment) = Both();
        Assert.Equal(["acme-aws-prod", "acme-local", "globex-k8s"], matrix);
        Assert.Equal(matrix, comment);
    }

    public void Dispose() => _repo.Dispose();
}
