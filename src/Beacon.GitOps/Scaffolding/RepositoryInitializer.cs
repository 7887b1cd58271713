using Beacon.Conda;
using Beacon.Conda.Channels;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Layers.Ownership;

namespace Beacon.GitOps.Scaffolding;

/// <summary>What <c>beacon init</c> did: the repository, or why there is none (nothing is left behind then).</summary>
public abstract record InitResult;

public sealed record Initialized(string Directory, IReadOnlyList<string> Files) : InitResult;

public sealed record InitRefused(DiagnosticCode Code, string Message, IReadOnlyList<Diagnostic> Diagnostics) : InitResult;

/// <summary>
/// Makes a new organisation's repository that passes <c>beacon pipeline</c> at once: the template's files, the root
/// layer's lock (solved against the configured channel), and CODEOWNERS. Everything is made in a temporary folder
/// beside the target and moved into place at the end, so a failure (an unreachable channel, an unsatisfiable layer)
/// leaves nothing half-written.
/// </summary>
public static class RepositoryInitializer
{
    /// <param name="directory">The new repository's absolute folder.</param>
    /// <param name="shownAs">How messages name it (as the user wrote it).</param>
    public static async Task<InitResult> InitAsync(string directory, string shownAs, InitOptions options, ChannelLoader loader, CancellationToken cancellationToken = default)
    {
        if (RepositoryTemplate.Validate(options) is { } problem)
        {
            return new InitRefused(DiagnosticCode.InvalidCommandLine, problem, []);
        }
        var target = Path.GetFullPath(directory);
        if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
        {
            return new InitRefused(DiagnosticCode.OutputNotWritable, $"'{shownAs}' exists and is not an empty folder; name a new one", []);
        }
        var parent = Path.GetDirectoryName(target)!;
        var work = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}{AtomicFile.TempSuffix}");
        try
        {
            var files = RepositoryTemplate.Files(options);
            AtomicFile.WriteAll(files.Select(f => new KeyValuePair<string, byte[]>(Path.Combine(work, f.Key), AtomicFile.Utf8(f.Value))).ToList());
            foreach (var executable in RepositoryTemplate.Executables)
            {
                if (OperatingSystem.IsWindows())
                {
                    break; // no execute bit there; git records it from a POSIX checkout
                }
                File.SetUnixFileMode(Path.Combine(work, executable),
                    UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                    | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
            var loaded = WorkspaceLoader.Load(work);
            if (!loaded.Success)
            {
                // The template is Beacon's own: a failure here is a defect, reported with what the loader found.
                return new InitRefused(DiagnosticCode.InvalidCommandLine, "the new repository does not validate", loaded.Diagnostics);
            }
            using var locker = new Locker(loaded.Workspace!, loader);
            LockRun run;
            try
            {
                run = await locker.RunAsync(new LockOptions(), null, cancellationToken);
            }
            catch (LockChannelException e)
            {
                return new InitRefused(DiagnosticCode.ChannelUnavailable, options.Channel == InitOptions.DefaultChannel
                    ? $"{e.Message}; name a mirror or a channel folder with --channel (offline: a folder)"
                    : e.Message, []);
            }
            if (!run.Success)
            {
                var failed = run.Results.OfType<LayerNotLocked>().First();
                return new InitRefused(DiagnosticCode.LayerNotLockable, $"layer '{failed.Layer}' cannot be locked against '{options.Channel}':\n{failed.Explanation}" +
                    (options.Dependencies is null ? $"\nname the root's packages with --add (the default is {string.Join(", ", InitOptions.DefaultDependencies)})" : ""), []);
            }
            locker.Write(run);
            // The lock run's repository lock lived in the private staging folder; it is no file of the new repository.
            Directory.Delete(Path.Combine(work, ".beacon"), recursive: true);
            AtomicFile.WriteAllText(Path.Combine(work, CodeOwners.RelativePath), CodeOwners.Render(loaded.Workspace!));
            if (Directory.Exists(target))
            {
                Directory.Delete(target); // empty, checked above
            }
            Directory.Move(work, target);
            var written = Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(target, f).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal).ToList();
            return new Initialized(target, written);
        }
        catch (FileWriteException e)
        {
            return new InitRefused(DiagnosticCode.OutputNotWritable, e.Message, []);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }
}
