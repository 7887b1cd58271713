using System.Globalization;

namespace Beacon.Benchmarks;

/// <summary>
/// Whole-process figures of the commands users and Pulumi wait for (issue 9's goals): each started 11 times, the first
/// run dropped, median / min / max wall time and the peak resident set size, printed with the exact command line.
/// </summary>
public static class Startup
{
    private const int Runs = 10;

    public static int Run(string[] args)
    {
        var repo = FixtureChannels.FindRepositoryRoot();
        var beacon = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.Combine(repo, ".beacon", "cli", "beacon");
        var compiler = args.Length > 1 ? Path.GetFullPath(args[1]) : Path.Combine(repo, ".beacon", "infra", "beacon-infra");
        foreach (var exe in new[] { beacon, compiler })
        {
            if (!File.Exists(exe))
            {
                Console.Error.WriteLine($"{exe} does not exist: build it first (./beacon --version; scripts/build-infra.sh)");
                return 1;
            }
        }
        var defaults = FixtureChannels.Plain("defaults-2018");
        var scale = Path.Combine(Path.GetTempPath(), "beacon-bench-500-1000");
        // Written afresh every run: a folder left by an older generator would measure (or fail on) other input.
        if (Directory.Exists(scale))
        {
            Directory.Delete(scale, recursive: true);
        }
        SyntheticOrganisation.Write(scale, 500, 1000);
        var cases = new (string Title, string Exe, string[] Args, string Cwd, Dictionary<string, string>? Env, string Goal)[]
        {
            ("beacon check (example organisation)", beacon, ["check"], repo, null, "60"),
            ("beacon solve defaults-2018: python 3.6.* numpy pandas scipy", beacon, ["solve", "-c", defaults, "python 3.6.*", "numpy", "pandas", "scipy"], repo, null, "80"),
            ("Pulumi compiler, PULUMI_STACK=acme-local", compiler, [], repo, new() { ["PULUMI_STACK"] = "acme-local" }, "60"),
            ("beacon validate (500 layers, 1,000 workloads)", beacon, ["validate", scale], repo, null, "150"),
        };
        Console.WriteLine($"whole process, median of {Runs} runs after one warm-up run; peak RSS from /usr/bin/time -f %M");
        Console.WriteLine($"{"command",-62} {"median",8} {"min",6} {"max",6} {"peak RSS",9} {"goal",6}");
        foreach (var (title, exe, arguments, cwd, env, goal) in cases)
        {
            var (file, fullArgs) = exe.EndsWith(".dll", StringComparison.Ordinal) ? ("dotnet", (string[])[exe, .. arguments]) : (exe, arguments);
            var f = WholeProcess.Measure(file, fullArgs, cwd, Runs, env);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{title,-62} {f.MedianMs,6:F0}ms {f.MinMs,4:F0}ms {f.MaxMs,4:F0}ms {f.PeakRssKiB / 1024.0,6:F1}MiB {"≤" + goal,5}ms"));
            var envText = env is null ? "" : string.Join(' ', env.Select(kv => $"{kv.Key}={kv.Value}")) + " ";
            Console.WriteLine($"    $ (cd {cwd} && {envText}{file} {string.Join(' ', fullArgs.Select(Quote))})");
        }
        return 0;
    }

    private static string Quote(string a) => a.Any(c => c is ' ' or '*' or '"' or '\'') ? "'" + a + "'" : a;
}
