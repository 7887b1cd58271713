using Beacon.Layers.Git;
using Beacon.Layers.Loading;

namespace Beacon.Layers.Diff;

/// <summary>
/// Materialises the repository files Beacon reads (<see cref="RepositorySources.All"/>) as they were at a git ref, in a
/// temporary folder, through the git CLI; the folder is deleted on dispose.
/// </summary>
public sealed class GitSnapshot : IDisposable
{
    private GitSnapshot(string root) => Root = root;

    public string Root { get; }

    public static GitSnapshot At(string repositoryRoot, string gitRef)
    {
        if (gitRef.StartsWith('-') || gitRef.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new GitException($"'{gitRef}' is not a git ref");
        }
        try
        {
            GitCli.Run(repositoryRoot, "rev-parse", "--verify", "--quiet", gitRef + "^{commit}");
        }
        catch (GitException)
        {
            throw new GitException($"'{gitRef}' is not a commit of this repository (or it is not a git repository); fetch it first, e.g. git fetch origin main");
        }
        var root = Path.Combine(Path.GetTempPath(), "beacon-base-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var snapshot = new GitSnapshot(root);
        try
        {
            var files = GitCli.RunText(repositoryRoot, ["ls-tree", "-r", "-z", "--name-only", gitRef, "--", .. RepositorySources.All])
                .Split('\0', StringSplitOptions.RemoveEmptyEntries);
            foreach (var file in files)
            {
                if (file.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(file))
                {
                    continue;
                }
                var target = Path.Combine(root, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllBytes(target, GitCli.Run(repositoryRoot, "show", $"{gitRef}:{file}"));
            }
            Directory.CreateDirectory(Path.Combine(root, RepositorySources.Layers));
            return snapshot;
        }
        catch
        {
            snapshot.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
