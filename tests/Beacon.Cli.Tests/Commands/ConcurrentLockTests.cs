using System.Diagnostics;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

/// <summary>
/// Several <c>beacon lock</c> processes on one repository (real processes: the repository's lock is the kernel's
/// flock), and runs killed with SIGKILL at random points: every run succeeds or waits its turn, and what is left
/// is the locks a single run writes, with no temporary file or journal behind.
/// </summary>
public sealed class ConcurrentLockTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-cli-concurrent-");
    private readonly List<string> _committed;

    public ConcurrentLockTests()
    {
        _repo.CopyExample();
        _committed = Locks();
        foreach (var file in Directory.GetFiles(_repo.Path_("layers"), "*.lock"))
        {
            File.Delete(file);
        }
        // Locked from nothing, offline: the roots name their base image by the digest the committed locks pin.
        foreach (var root in new[] { "layers/core.yaml", "layers/core-arm.yaml" })
        {
            File.WriteAllText(_repo.Path_(root), File.ReadAllText(_repo.Path_(root)).Replace("base-image: mambaorg/micromamba:1.5.8",
                "base-image: " + Beacon.GitOps.Scaffolding.RepositoryTemplate.BaseImage, StringComparison.Ordinal));
        }
    }

    public void Dispose() => _repo.Dispose();

    private List<string> Locks() => Directory.GetFiles(_repo.Path_("layers"), "*.lock").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();

    private void AssertCleanLocks()
    {
        Assert.Equal(_committed, Locks());
        Assert.Empty(Directory.GetFiles(_repo.Path_("layers"), "*.beacon-tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(_repo.Path_(LockStore.JournalPath)));
    }

    [Fact]
    public async Task Four_lock_processes_at_once_all_succeed_and_write_what_one_would()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => ProcessRunner.Beacon(_repo.Root, "lock", "--quiet"))));
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Stderr));
        AssertCleanLocks();
    }

    [Fact]
    public async Task A_run_that_cannot_get_the_repository_in_time_says_so_and_writes_nothing()
    {
        using (await RepositoryLock.AcquireAsync(WorkspaceLoader.Load(_repo.Root).Workspace!, null, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            var busy = ProcessRunner.Beacon(_repo.Root, "lock", "--wait", "1");
            Assert.Equal(1, busy.ExitCode);
            Assert.Contains("waiting for another beacon run writing locks in this repository", busy.Stderr, StringComparison.Ordinal);
            Assert.Contains("error BEA0623: another beacon run has held .beacon/repository.lock for more than 1 s (lock --wait)", busy.Stderr, StringComparison.Ordinal);
            Assert.Empty(Locks());
        }
        var after = ProcessRunner.Beacon(_repo.Root, "lock", "--quiet");
        Assert.True(after.ExitCode == 0, after.Stderr);
        AssertCleanLocks();
    }

    [Fact]
    public void Lock_runs_killed_at_random_points_leave_nothing_the_next_run_cannot_finish()
    {
        var random = new Random(19);
        for (var kill = 0; kill < 4; kill++)
        {
            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = _repo.Root, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "beacon.dll"), "lock", "--quiet" })
            {
                psi.ArgumentList.Add(arg);
            }
            using var process = Process.Start(psi)!;
            Thread.Sleep(random.Next(100, 1500));
            process.Kill(); // SIGKILL: no finally block of beacon's runs
            process.WaitForExit();
        }
        var last = ProcessRunner.Beacon(_repo.Root, "lock", "--quiet");
        Assert.True(last.ExitCode == 0, last.Stderr);
        AssertCleanLocks();
    }
}
