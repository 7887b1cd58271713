namespace Beacon.Conda;

/// <summary>
/// One process's scratch space, <c>&lt;parent&gt;/&lt;id&gt;</c>, claimed by an exclusive lock on
/// <c>&lt;id&gt;.lock</c> for as long as the process lives (.NET takes an advisory <c>flock</c> for
/// <see cref="FileShare.None"/> on Linux; the kernel drops it when the process dies, even by <c>kill -9</c>). Every
/// claim first removes the folders whose lock nobody holds, so what a killed build left (a half-installed stage, a
/// half-written layer, a half-fetched package) is gone by the next build, and a running build's folder is never touched.
/// </summary>
public sealed class ScratchFolder : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _lockPath;

    private ScratchFolder(string path, string lockPath, FileStream held)
    {
        Path = path;
        _lockPath = lockPath;
        _lock = held;
    }

    public string Path { get; }

    public static ScratchFolder Claim(string parent)
    {
        Directory.CreateDirectory(parent);
        RemoveAbandoned(parent);
        for (var attempt = 0; ; attempt++)
        {
            var id = Guid.NewGuid().ToString("N");
            var lockPath = System.IO.Path.Combine(parent, id + ".lock");
            try
            {
                var held = new FileStream(lockPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
                if (!File.Exists(lockPath))
                {
                    // A sweep removed the file before it was locked: this lock guards nothing.
                    held.Dispose();
                    throw new IOException("lock file swept");
                }
                var path = System.IO.Path.Combine(parent, id);
                Directory.CreateDirectory(path);
                return new ScratchFolder(path, lockPath, held);
            }
            catch (IOException) when (attempt < 3)
            {
                // Another process's sweep took the new lock file in the instant before it was locked: take another id.
            }
        }
    }

    /// <summary>A new, empty folder inside the scratch space.</summary>
    public string NewFolder(string name)
    {
        var path = System.IO.Path.Combine(Path, name + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A path inside the scratch space where nothing is yet.</summary>
    public string NewPath(string name) => System.IO.Path.Combine(Path, Guid.NewGuid().ToString("N") + "-" + name);

    /// <summary>Removes every scratch folder under <paramref name="parent"/> whose owner is gone; returns how many.</summary>
    public static int RemoveAbandoned(string parent)
    {
        var removed = 0;
        foreach (var lockPath in Directory.EnumerateFiles(parent, "*.lock"))
        {
            try
            {
                using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                var folder = lockPath[..^".lock".Length];
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                    removed++;
                }
                File.Delete(lockPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Held: its process is alive. (Or gone between listing and opening: nothing to do.)
            }
        }
        // A folder is made only after its lock is held and removed before its lock file: one without a lock is abandoned.
        foreach (var folder in Directory.EnumerateDirectories(parent))
        {
            if (!File.Exists(folder + ".lock") && new DirectoryInfo(folder).CreationTimeUtc < DateTime.UtcNow.AddMinutes(-1))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                    removed++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
        return removed;
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
            File.Delete(_lockPath);
        }
        finally
        {
            _lock.Dispose();
        }
    }
}
