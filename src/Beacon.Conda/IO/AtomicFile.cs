using System.Text;

namespace Beacon.Conda;

/// <summary>A file could not be written: names the path and why; nothing of the set it belonged to was written.</summary>
public sealed class FileWriteException(string path, string reason, Exception? inner = null) : Exception($"cannot write '{path}': {reason}", inner)
{
    public string Path { get; } = path;
}

/// <summary>
/// Writes files completely or not at all. Every file goes to a temporary file beside it (named
/// <c>.&lt;name&gt;.&lt;random&gt;.beacon-tmp</c>, ignored by git and removed by <see cref="CleanStale"/>), then is renamed
/// over the target; a rename within a folder is atomic on POSIX file systems.
/// </summary>
public static class AtomicFile
{
    public const string TempSuffix = ".beacon-tmp";

    public static void WriteAllText(string path, string text) => WriteAll([new(path, Utf8(text))]);

    public static void WriteAllBytes(string path, byte[] bytes) => WriteAll([new(path, bytes)]);

    public static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);

    /// <summary>
    /// Writes a set of files as one transaction: every target is checked first (no file stands where a folder must
    /// be, no folder where the file goes), then every temporary file is written, and only then are they renamed. A
    /// failure before the renames leaves every target as it was. When <paramref name="journal"/> is given, it lists
    /// the targets while the renames run, so an interrupted set (a killed process) can be recognised later.
    /// </summary>
    public static void WriteAll(IReadOnlyList<KeyValuePair<string, byte[]>> files, string? journal = null)
    {
        var targets = files.Select(f => (Path: System.IO.Path.GetFullPath(f.Key), Bytes: f.Value)).ToList();
        foreach (var (path, _) in targets)
        {
            Check(path);
        }
        var temps = new List<string>();
        try
        {
            foreach (var (path, bytes) in targets)
            {
                var dir = System.IO.Path.GetDirectoryName(path)!;
                Directory.CreateDirectory(dir);
                var temp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
                temps.Add(temp);
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(bytes);
                    stream.Flush(flushToDisk: true);
                }
            }
            if (journal is not null)
            {
                WriteAll([new(journal, Utf8(string.Concat(targets.Select(t => t.Path + "\n"))))]);
            }
            for (var i = 0; i < targets.Count; i++)
            {
                File.Move(temps[i], targets[i].Path, overwrite: true);
            }
            if (journal is not null)
            {
                File.Delete(journal);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var failed = targets.FirstOrDefault(t => !File.Exists(t.Path)).Path ?? targets[0].Path;
            throw new FileWriteException(failed, e.Message, e);
        }
        finally
        {
            foreach (var temp in temps.Where(File.Exists))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Removes temporary files a killed writer left in <paramref name="directory"/>; returns how many.</summary>
    public static int CleanStale(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }
        var stale = Directory.EnumerateFiles(directory, "*" + TempSuffix).ToList();
        foreach (var file in stale)
        {
            File.Delete(file);
        }
        return stale.Count;
    }

    /// <summary>Fails before anything is written when a target cannot be a file.</summary>
    private static void Check(string path)
    {
        if (Directory.Exists(path))
        {
            throw new FileWriteException(path, "a folder of that name is in the way");
        }
        for (var dir = System.IO.Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = System.IO.Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir))
            {
                break;
            }
            if (File.Exists(dir))
            {
                throw new FileWriteException(path, $"'{dir}' is a file, not a folder");
            }
        }
    }
}
