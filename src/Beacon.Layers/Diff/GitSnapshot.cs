using System.Diagnostics;
using Beacon.Layers.Loading;

namespace Beacon.Layers.Diff;

/// <summary>A git problem (unknown ref, not a repository), reported to the user as invalid input.</summary>
public sealed class GitException(string message) : Exception(message);

/// <summary>
/// Materialises the repository files Beacon reads (beacon.yaml, layers/, workloads/, stacks/) as they were at a git
/// ref, in a temporary folder, through the git CLI; the folder is deleted on dispose.
/// </summary>
public sealed class GitSnapshot : IDisposable
{
    private static readonly string[] Paths = [WorkspaceLoader.SettingsFile, "layers", "workloads", "stacks"];

    private GitSnapshot(string root) => Root = root;

    public string Root { get; }

    public static GitSnapshot At(string repositoryRoot, string gitRef)
    {
        if (gitRef.StartsWith('-') || gitRef.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new GitException($"'{gitRef}' is not a git ref");
        }
        Git(repositoryRoot, "rev-parse", "--verify", "--quiet", gitRef + "^{commit}");
        var root = Path.Combine(Path.GetTempPath(), "beacon-base-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var snapshot = new GitSnapshot(root);
        try
        {
            var files = Git(repositoryRoot, ["ls-tree", "-r", "-z", "--name-only", gitRef, "--", .. Paths])
                .Split('\0', StringSplitOptions.RemoveEmptyEntries);
            foreach (var file in files)
            {
                if (file.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(file))
                {
                    continue;
                }
                var target = Path.Combine(root, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllBytes(target, GitBytes(repositoryRoot, "show", $"{gitRef}:{file}"));
            }
            Directory.CreateDirectory(Path.Combine(root, "layers"));
            return snapshot;
        }
        catch
        {
            snapshot.Dispose();
            throw;
        }
    }

    private static string Git(string cwd, params string[] args) => System.Text.Encoding.UTF8.GetString(GitBytes(cwd, args));

    private static byte[] GitBytes(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new GitException("git is not installed");
        }
        using (process)
        {
            using var output = new MemoryStream();
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var message = stderr.Result.Trim();
                throw new GitException(args[0] == "rev-parse"
                    ? $"'{args[^1].Replace("^{commit}", "", StringComparison.Ordinal)}' is not a commit in {cwd}"
                    : $"git {args[0]} failed: {(message.Length > 0 ? message : "exit " + process.ExitCode)}");
            }
            return output.ToArray();
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
