using Beacon.Layers.Loading;

namespace Beacon.Layers.Locking;

/// <summary>
/// One writer of a repository's locks at a time: an exclusive lock on <c>.beacon/repository.lock</c> (flock through
/// FileShare.None; the kernel releases it when the process dies, so a killed run never blocks the next). Two
/// <c>beacon lock</c> runs in one repository no longer remove each other's temporary files: the second waits.
/// </summary>
public sealed class RepositoryLock : IDisposable
{
    public const string RelativePath = ".beacon/repository.lock";

    private readonly FileStream _file;

    private RepositoryLock(FileStream file) => _file = file;

    /// <summary>Waits for the lock (telling <paramref name="waiting"/> once); a wait longer than <paramref name="limit"/> is a <see cref="TimeoutException"/>.</summary>
    public static async Task<RepositoryLock> AcquireAsync(Workspace workspace, Action<string>? waiting, TimeSpan limit, CancellationToken cancellationToken)
    {
        var path = workspace.FullPath(RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var started = DateTime.UtcNow;
        var told = false;
        while (true)
        {
            try
            {
                return new RepositoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (File.Exists(path))
            {
                if (DateTime.UtcNow - started > limit)
                {
                    throw new TimeoutException($"another beacon run has held {RelativePath} for more than {limit.TotalSeconds:0.#} s (lock --wait)");
                }
                if (!told)
                {
                    waiting?.Invoke("waiting for another beacon run writing locks in this repository");
                    told = true;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
