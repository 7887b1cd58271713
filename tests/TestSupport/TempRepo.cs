namespace Beacon.TestSupport;

/// <summary>A throw-away folder for a test repository; deleted on dispose.</summary>
internal sealed class TempRepo : IDisposable
{
    public TempRepo(string? prefix = null)
    {
        Root = Path.Combine(Path.GetTempPath(), (prefix ?? "beacon-test-") + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Path_(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public void Write(string relative, string content)
    {
        var path = Path_(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>Runs git in the folder as a fixed test author, with no user or system configuration; fails the test on an error.</summary>
    public void Git(params string[] args)
    {
        var r = ProcessRunner.Run("git", args, Root, new Dictionary<string, string?>
        {
            ["GIT_AUTHOR_NAME"] = "Test", ["GIT_AUTHOR_EMAIL"] = "test@example.com",
            ["GIT_COMMITTER_NAME"] = "Test", ["GIT_COMMITTER_EMAIL"] = "test@example.com",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null", ["GIT_CONFIG_NOSYSTEM"] = "1",
        });
        Xunit.Assert.True(r.ExitCode == 0, $"git {string.Join(' ', args)}: {r.Stderr}");
    }

    public void WriteBytes(string relative, byte[] content)
    {
        var path = Path_(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    /// <summary>Replaces a file with a FIFO (made by coreutils' mkfifo: .NET has no API for one). Opening it would block.</summary>
    public void MakeFifo(string relative)
    {
        var path = Path_(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        var made = ProcessRunner.Run("mkfifo", [path]);
        Assert.True(made.ExitCode == 0, made.Stderr);
    }

    /// <summary>Replaces a file with a sparse one of the given size (no disk used): for size limits.</summary>
    public void MakeSparse(string relative, long bytes)
    {
        var path = Path_(relative);
        File.Delete(path);
        using var stream = new FileStream(path, FileMode.CreateNew);
        stream.SetLength(bytes);
    }

    /// <summary>Replaces a file with a symbolic link.</summary>
    public void MakeLink(string relative, string target)
    {
        var path = Path_(relative);
        File.Delete(path);
        File.CreateSymbolicLink(path, target);
    }

    /// <summary>Copies the example organisation (layers, locks, workloads, stacks, demo channel, beacon.yaml) into the repository.</summary>
    public void CopyExample()
    {
        foreach (var folder in new[] { "layers", "workloads", "developers", "stacks", "channels" })
        {
            foreach (var file in Directory.EnumerateFiles(RepoPaths.RepoFile(folder), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(Root, Path.GetRelativePath(RepoPaths.Root, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
        }
        File.Copy(RepoPaths.RepoFile("beacon.yaml"), Path.Combine(Root, "beacon.yaml"), overwrite: true);
    }

    /// <summary>Copies a folder tree into the repository (later copies overwrite earlier files).</summary>
    /// <param name="into">A folder of the repository to copy into (default: its root).</param>
    public void CopyFrom(string folder, string? into = null)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, file);
            if (relative == "expected.txt" || relative.EndsWith(".received.txt", StringComparison.Ordinal))
            {
                continue;
            }
            var target = Path.Combine(into is null ? Root : Path_(into), relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
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
            // best effort: a leftover temp folder is harmless
        }
    }
}
