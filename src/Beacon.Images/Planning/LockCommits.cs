using Beacon.Layers.Git;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;

namespace Beacon.Images.Planning;

/// <summary>
/// The commit that last changed each layer's lock (the OCI revision label of its image). Stable while the lock is,
/// so an unrelated commit changes no Dockerfile; "unknown" outside git or for an uncommitted lock. One git call for
/// the whole tree.
/// </summary>
public static class LockCommits
{
    public const string Unknown = "unknown";

    public static IReadOnlyDictionary<string, string> Read(Workspace workspace)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string log;
        try
        {
            log = GitCli.RunText(workspace.Root, "log", "--format=commit %H", "--name-only", "--", "layers");
        }
        catch (GitException)
        {
            return result;
        }
        string? commit = null;
        foreach (var line in log.Split('\n'))
        {
            if (line.StartsWith("commit ", StringComparison.Ordinal))
            {
                commit = line[7..].Trim();
                continue;
            }
            var path = line.Trim();
            if (commit is null || !path.StartsWith("layers/", StringComparison.Ordinal) || !path.EndsWith(".lock", StringComparison.Ordinal))
            {
                continue;
            }
            var layer = path["layers/".Length..^".lock".Length];
            // git log is newest first: the first commit seen for a lock is the one that last changed it.
            result.TryAdd(layer, commit);
        }
        return result;
    }

    public static string For(IReadOnlyDictionary<string, string> commits, string layer) =>
        commits.TryGetValue(layer, out var c) && c.Length == 40 ? c : Unknown;
}
