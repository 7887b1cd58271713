using System.Diagnostics;

namespace Beacon.Layers.Git;

/// <summary>A git problem (unknown ref, not a repository, git missing), reported to the user as invalid input.</summary>
public sealed class GitException(string message) : Exception(message);

/// <summary>The git command line, for the few things Beacon reads from git (files at a ref, the committer).</summary>
public static class GitCli
{
    /// <summary>Runs git and returns its stdout bytes; a non-zero exit becomes a <see cref="GitException"/>.</summary>
    public static byte[] Run(string workingDirectory, params string[] args)
    {
        var process = Start(workingDirectory, args);
        using (process)
        {
            using var output = new MemoryStream();
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var message = stderr.Result.Trim();
                throw new GitException($"git {args[0]} failed: {(message.Length > 0 ? message : "exit " + process.ExitCode)}");
            }
            return output.ToArray();
        }
    }

    /// <summary>
    /// Runs git and hands each line of its stdout to <paramref name="line"/> until that returns false: then git is
    /// stopped (a history walk ends as soon as the caller has what it needs). A non-zero exit of a git that ran to its
    /// end is a <see cref="GitException"/>.
    /// </summary>
    public static void ReadLines(string workingDirectory, Func<string, bool> line, params string[] args)
    {
        var process = Start(workingDirectory, args);
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string? text;
            while ((text = process.StandardOutput.ReadLine()) is not null)
            {
                if (!line(text))
                {
                    process.Kill();
                    process.WaitForExit();
                    return;
                }
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var message = stderr.Result.Trim();
                throw new GitException($"git {args[0]} failed: {(message.Length > 0 ? message : "exit " + process.ExitCode)}");
            }
        }
    }

    private static Process Start(string workingDirectory, string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        try
        {
            return Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new GitException("git is not installed");
        }
    }

    public static string RunText(string workingDirectory, params string[] args) => System.Text.Encoding.UTF8.GetString(Run(workingDirectory, args));

    /// <summary>A git config value (e.g. user.email), or null when unset or git is missing.</summary>
    public static string? Config(string workingDirectory, string key)
    {
        try
        {
            var value = RunText(workingDirectory, "config", "--get", key).Trim();
            return value.Length > 0 ? value : null;
        }
        catch (GitException)
        {
            return null;
        }
    }
}
