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
        // The history is walked newest first and only until every lock in the tree has its commit: a lock changed
        // recently costs a few commits, not the whole history (a lock never committed still walks all of it).
        var wanted = workspace.Tree.TopologicalOrder.Select(l => l.Name)
            .Where(l => File.Exists(workspace.FullPath(LockStore.RelativePath(l)))).ToHashSet(StringComparer.Ordinal);
        try
        {
            string? commit = null;
            GitCli.ReadLines(workspace.Root, line =>
            {
                if (line.StartsWith("commit ", StringComparison.Ordinal))
                {
                    commit = line[7..].Trim();
                    return result.Count < wanted.Count;
                }
                var path = line.Trim();
                if (commit is not null && path.StartsWith("layers/", StringComparison.Ordinal) && path.EndsWith(".lock", StringComparison.Ordinal)
                    && wanted.Contains(path["layers/".Length..^".lock".Length]))
                {
                    // git log is newest first: the first commit seen for a lock is the one that last changed it.
                    result.TryAdd(path["layers/".Length..^".lock".Length], commit);
                }
                return true;
            }, "log", "--format=commit %H", "--name-only", "--", "layers");
        }
        catch (GitException)
        {
            return result;
        }
        return result;
    }

    public static string For(IReadOnlyDictionary<string, string> commits, string layer) =>
        commits.TryGetValue(layer, out var c) && c.Length == 40 ? c : Unknown;
}
