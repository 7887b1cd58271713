using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Beacon.Conda;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;

namespace Beacon.Layers.Gate;

/// <summary>
/// Remembers that the gate passed on exactly these contents, so the Pulumi compiler, <c>plan</c> and <c>synth</c>
/// (which Pulumi runs again and again with nothing changed) do not verify the world on every call. The key is a
/// sha256 over this Beacon build, every file of the repository the gate reads (layers/, workloads/, stacks/,
/// developers/, advisories/, beacon.yaml, policy.yaml, .github/CODEOWNERS: names and bytes), each channel's content id
/// (its repodata's or shard index's sha256) and the day (policy exceptions expire) — never a file's time stamp. Only passing results are kept (a failure is worth its diagnostics
/// every time); a repository with anything but regular files of bounded size where the gate reads is not cached.
/// <c>beacon check</c>, the pull-request gate, never uses it: a cache folder is not a place to take trust from.
/// </summary>
public sealed class GateCache(string directory)
{
    /// <summary>A file larger than this makes the repository uncacheable (the gate refuses such locks anyway).</summary>
    private const long MaxFileBytes = 64L << 20;

    private static readonly string[] Folders = ["layers", "workloads", "stacks", "developers", RepositorySources.Advisories];
    private static readonly string[] Files = ["beacon.yaml", ".github/CODEOWNERS", RepositorySources.Policy];

    public string Directory { get; } = directory;

    /// <summary>The default folder: <c>&lt;cache&gt;/gate</c> beside the repodata cache.</summary>
    public static GateCache InCacheDirectory(string cacheDirectory) => new(Path.Combine(cacheDirectory, "gate"));

    /// <summary>The key of this workspace over these channels, or null when it cannot be cached.</summary>
    public static string? Key(Workspace workspace, ChannelIndex channels, DateOnly today)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add("beacon-gate-cache 1");
        Add(typeof(GateCache).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
        var files = Folders.Where(f => System.IO.Directory.Exists(workspace.FullPath(f)))
            .SelectMany(f => System.IO.Directory.EnumerateFileSystemEntries(workspace.FullPath(f), "*", SearchOption.AllDirectories))
            .Concat(Files.Select(workspace.FullPath).Where(Path.Exists))
            .Select(p => Path.GetRelativePath(workspace.Root, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
        foreach (var relative in files)
        {
            var full = workspace.FullPath(relative);
            if (System.IO.Directory.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReparsePoint) == 0)
            {
                Add("dir " + relative);
                continue;
            }
            try
            {
                // Regular files of bounded size only: a FIFO, a link to a device or a huge file is the gate's to refuse.
                Add($"file {relative} {Convert.ToHexStringLower(SHA256.HashData(SafeFile.ReadAllBytes(full, MaxFileBytes)))}");
            }
            catch (Exception e) when (e is SafeFileException or IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
        foreach (var channel in channels.Channels)
        {
            Add("channel " + channel.Name + " " + channel.ContentId);
        }
        // A policy exception holds until a date: with exceptions, the same files pass today and may fail tomorrow.
        // Without any, the day changes nothing, and a pass stays reusable across days.
        if (workspace.Policy is { Exceptions.Count: > 0 })
        {
            Add("day " + today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Whether the gate passed on the contents of this key before.</summary>
    public bool Passed(string key) => File.Exists(Path.Combine(Directory, key));

    /// <summary>Records a pass (best effort: a cache that cannot be written costs the next run its gate, nothing else).</summary>
    public void RecordPass(string key)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            AtomicFile.WriteAllText(Path.Combine(Directory, key), "passed\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
