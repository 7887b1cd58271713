using System.Diagnostics;
using System.Globalization;
using Beacon.Docker.Engine;
using Beacon.TestSupport.Conda;

namespace Beacon.Benchmarks;

/// <summary>
/// `oci-large [GiB-per-file]`: a layer of real GPU size through the OCI builder as a whole `beacon build` process —
/// one package with a single 2.5 GiB file and another with two files of half that, so the layer holds 5 GiB — with
/// the process's peak resident set (GNU time's %M) and wall time, then Docker pulls the image and reads the files'
/// sizes and checksums inside it against the packages' bytes. The files repeat one pseudo-random MiB: gzip (32 KiB
/// window) pays full price for every byte, while the packages' zstd parts stay small on disk. Needs
/// scripts/services.sh up and its env sourced, and about 25 GB of free disk (extracted packages, stage, layer, registry).
/// </summary>
public static class OciLargeBenchmark
{
    public static async Task<int> RunAsync(double gibPerFile)
    {
        if (TestRegistry.Address() is not { } registry)
        {
            return 1;
        }
        var root = Path.Combine(Path.GetTempPath(), "beacon-bench-large");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, true);
        }
        var size = (long)(gibPerFile * (1L << 30));
        var sw = Stopwatch.StartNew();
        CondaPackageBuilder.Channel(Path.Combine(root, "channel"),
            new CondaPackageBuilder("big-one").Patterned("lib/big-one.bin", size, seed: 1),
            new CondaPackageBuilder("big-two").Patterned("lib/big-two/a.bin", size / 2, seed: 2).Patterned("lib/big-two/b.bin", size - size / 2, seed: 3));
        var packageBytes = Directory.GetFiles(Path.Combine(root, "channel", "linux-64"), "*.conda").Sum(f => new FileInfo(f).Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"packages written in {sw.Elapsed.TotalSeconds:F1} s: 2 packages, {packageBytes / 1024.0 / 1024:F1} MiB on disk, {2 * size / (double)(1L << 30):F2} GiB of files"));

        using var docker = DockerClient.Connect();
        await TestRegistry.PushBaseAsync(docker, registry);
        var ns = "large-" + Guid.NewGuid().ToString("N")[..6];
        Write(root, "beacon.yaml", $"channels:\n  big: {Path.Combine(root, "channel")}\n");
        Write(root, "layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {registry}/localbase/busybox:1\nchannels: [big]\nstage: production\ndependencies:\n  - big-one\n  - big-two\n");
        Write(root, "stacks/Pulumi.large.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {registry}/{ns}\n  beacon:builder: oci\n");
        var beacon = Path.Combine(AppContext.BaseDirectory, "beacon.dll");
        var environment = new Dictionary<string, string> { ["BEACON_CACHE_DIR"] = Path.Combine(root, "cache", "repodata"), ["NO_COLOR"] = "1" };
        if (Run("dotnet", [beacon, "lock", "--quiet"], root, environment).Exit != 0)
        {
            return 1;
        }
        var build = Run("/usr/bin/time", ["-f", "%M %e", "-o", Path.Combine(root, "time.txt"), "dotnet", beacon, "build", "--stack", "large"], root, environment);
        if (build.Exit != 0)
        {
            Console.Error.WriteLine(build.Stderr);
            return 1;
        }
        var figures = File.ReadAllText(Path.Combine(root, "time.txt")).Trim().Split(' ');
        Console.WriteLine(build.Stdout.Trim());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"beacon build (oci, cold package cache, fresh repository): {double.Parse(figures[1], CultureInfo.InvariantCulture):F1} s wall, peak RSS {long.Parse(figures[0], CultureInfo.InvariantCulture) / 1024.0:F0} MiB"));

        var pinned = build.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];
        sw.Restart();
        if (Run("docker", ["pull", "-q", pinned], root, null).Exit != 0)
        {
            return 1;
        }
        var pulled = sw.Elapsed.TotalSeconds;
        var inside = Run("docker", ["run", "--rm", pinned, "sh", "-c", "cd /opt/conda/lib && ls -l big-one.bin big-two/a.bin big-two/b.bin | awk '{print $5, $9}' && cat big-one.bin big-two/a.bin big-two/b.bin | md5sum"], root, null);
        Console.WriteLine($"docker pull {pulled:F1} s; inside the image:\n{inside.Stdout.TrimEnd()}");
        var expected = ExpectedMd5(size);
        Console.WriteLine(inside.Stdout.Contains(expected, StringComparison.Ordinal) ? $"contents match the packages' bytes (md5 {expected})" : $"CONTENTS DIFFER: expected md5 {expected}");
        Run("docker", ["image", "rm", pinned], root, null);
        Directory.Delete(root, true);
        return inside.Exit == 0 && inside.Stdout.Contains(expected, StringComparison.Ordinal) ? 0 : 1;
    }

    /// <summary>The md5 of the three files' bytes in order, computed from the same generator.</summary>
    private static string ExpectedMd5(long size)
    {
        using var md5 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.MD5);
        foreach (var (seed, length) in new[] { (1, size), (2, size / 2), (3, size - size / 2) })
        {
            var block = new byte[1 << 20];
            new Random(seed).NextBytes(block);
            for (long done = 0; done < length; done += block.Length)
            {
                md5.AppendData(block, 0, (int)Math.Min(block.Length, length - done));
            }
        }
        return Convert.ToHexStringLower(md5.GetHashAndReset());
    }

    private static (int Exit, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, string cwd, IReadOnlyDictionary<string, string>? environment)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static void Write(string root, string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
