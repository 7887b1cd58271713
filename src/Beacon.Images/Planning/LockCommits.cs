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

    /// <summary>Where the answer is remembered, in the repository's git folder: "head &lt;commit&gt;", then "&lt;layer&gt; &lt;commit&gt;" lines.</summary>
    public const string CacheFile = "beacon-lock-commits";

    /// <summary>
    /// The commits, remembered in the git folder for the HEAD they were read at: the same HEAD costs one git call; a
    /// HEAD that descends from the remembered one walks only the commits since (<c>old..HEAD</c>); anything else (a
    /// rewritten history, a lock the answer lacks) walks the history newest first, stopping once every lock has its
    /// commit. A 20,000-commit history whose locks were committed at its start no longer costs a full walk per run.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Read(Workspace workspace)
    {
        var wanted = workspace.Tree.TopologicalOrder.Select(l => l.Name)
            .Where(l => File.Exists(workspace.FullPath(LockStore.RelativePath(l)))).ToHashSet(StringComparer.Ordinal);
        string gitDir, head;
        try
        {
            var lines = GitCli.RunText(workspace.Root, "rev-parse", "--absolute-git-dir", "HEAD").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            (gitDir, head) = (lines[0].Trim(), lines[1].Trim());
        }
        catch (Exception e) when (e is GitException or IndexOutOfRangeException)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }
        var cachePath = Path.Combine(gitDir, CacheFile);
        var (cachedHead, cached) = ReadCache(cachePath);
        Dictionary<string, string>? known = null;
        if (cachedHead == head)
        {
            known = cached;
        }
        else if (cachedHead is not null && IsAncestor(workspace.Root, cachedHead, head))
        {
            known = Walk(workspace.Root, $"{cachedHead}..{head}", null);
            foreach (var (layer, commit) in cached)
            {
                known.TryAdd(layer, commit);
            }
        }
        if (known is null || !wanted.All(known.ContainsKey))
        {
            known = Walk(workspace.Root, head, wanted);
        }
        WriteCache(cachePath, head, known);
        return known.Where(k => wanted.Contains(k.Key)).ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// <c>git log</c> of the locks over <paramref name="range"/>, newest first: the first commit seen for a lock is the
    /// one that last changed it. With <paramref name="wanted"/>, it stops once each of those has one.
    /// </summary>
    private static Dictionary<string, string> Walk(string root, string range, HashSet<string>? wanted)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            string? commit = null;
            GitCli.ReadLines(root, line =>
            {
                if (line.StartsWith("commit ", StringComparison.Ordinal))
                {
                    commit = line[7..].Trim();
                    return wanted is null || !wanted.All(result.ContainsKey);
                }
                var path = line.Trim();
                if (commit is not null && path.StartsWith("layers/", StringComparison.Ordinal) && path.EndsWith(".lock", StringComparison.Ordinal))
                {
                    result.TryAdd(path["layers/".Length..^".lock".Length], commit);
                }
                return true;
            }, "log", "--format=commit %H", "--name-only", range, "--", "layers");
        }
        catch (GitException)
        {
        }
        return result;
    }

    private static bool IsAncestor(string root, string ancestor, string head)
    {
        try
        {
            GitCli.Run(root, "merge-base", "--is-ancestor", ancestor, head);
            return true;
        }
        catch (GitException)
        {
            return false;
        }
    }

    private static (string? Head, Dictionary<string, string> Commits) ReadCache(string path)
    {
        var commits = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var lines = System.Text.Encoding.UTF8.GetString(Conda.SafeFile.ReadAllBytes(path, 1 << 20)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length == 0 || !lines[0].StartsWith("head ", StringComparison.Ordinal) || !IsCommit(lines[0][5..]))
            {
                return (null, commits);
            }
            foreach (var line in lines.Skip(1))
            {
                var parts = line.Split(' ');
                if (parts.Length != 2 || !IsCommit(parts[1]))
                {
                    return (null, []);
                }
                commits[parts[0]] = parts[1];
            }
            return (lines[0][5..], commits);
        }
        catch (Exception e) when (e is Conda.SafeFileException or IOException or UnauthorizedAccessException)
        {
            return (null, commits);
        }
    }

    private static bool IsCommit(string text) => text.Length == 40 && text.All(char.IsAsciiHexDigitLower);

    private static void WriteCache(string path, string head, Dictionary<string, string> commits)
    {
        try
        {
            Conda.AtomicFile.WriteAllText(path, string.Concat(commits.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}\n").Prepend($"head {head}\n")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Remembering is an optimisation: a read-only git folder costs the next run a walk.
        }
    }

    public static string For(IReadOnlyDictionary<string, string> commits, string layer) =>
        commits.TryGetValue(layer, out var c) && c.Length == 40 ? c : Unknown;
}
