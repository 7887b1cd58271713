using System.Diagnostics;
using Beacon.Benchmarks;
using Beacon.Layers.Loading;

// Benchmarks for the figures in the issue notes. Run: dotnet run -c Release --project benchmarks/Beacon.Benchmarks -- <what>
//   validate [layers] [workloads]   whole-process `beacon validate` on a generated repository (default 500 / 1000)
//   lock-scale [layers]             full lock, one-leaf re-lock and whole-process check on a generated tree (default 200)
//   compiler                        whole-process Pulumi compiler on the example and on 200 layers / 1000 workloads
//   solver                          BenchmarkDotNet: repodata load and solve times on tests/fixtures/conda/channels
//   solver-memory                   peak working set of one process doing every solver case once
//   startup [beacon] [compiler]     whole-process figures (median of 10 runs, peak RSS) of the four commands users wait
//                                   for: check, solve, the Pulumi compiler, validate at scale. Defaults: the native
//                                   executables ./beacon and scripts/build-infra.sh publish (.beacon/cli/beacon,
//                                   .beacon/infra/beacon-infra); a path ending in .dll is run with `dotnet`.
//   channel-scale [records] [--fresh]  issue 21's rows on a conda-forge-sized channel (default 395,000 linux-64 records)
//                                   generated from the fixtures under /tmp/beacon-cf-sized: check, one-leaf lock and the
//                                   native Pulumi compiler over plain JSON and over shards, and check over HTTP (cold/warm)
//   oci-build                       the OCI builder on a three-layer subtree (warm cache, fresh repositories, bytes per
//                                   layer, rebuild) and the Dockerfile builder with the stand-in; needs scripts/services.sh
//   catalog [repository]           whole-process `beacon catalog` on the lock-scale tree (run lock-scale 500 first) and
//                                   the page in Debian's chromium: time until built, render, one search
//   evidence [GiB]                  verify, sbom (both formats), attest and sbom --attach as whole processes on the test
//                                   channel's 3-layer tree and on one layer of GiB (default 1) of synthetic files
//   oci-large [GiB]                 a 5 GiB layer (one 2.5 GiB file) through `beacon build` with the oci builder: wall
//                                   time and peak RSS of the process, then docker pull/run check the files; services.sh
var what = args.Length > 0 ? args[0] : "validate";
switch (what)
{
    case "oci-build":
        return await OciBuildBenchmark.RunAsync();
    case "channel-scale":
        return await ChannelScale.RunAsync(args);
    case "catalog":
        return await CatalogBenchmark.RunAsync(args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "beacon-lock-scale-500"));
    case "evidence":
        return await EvidenceBenchmark.RunAsync(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1);
    case "oci-large":
        return await OciLargeBenchmark.RunAsync(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2.5);
    case "validate":
    {
        var layers = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500;
        var workloads = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1000;
        var root = Path.Combine(Path.GetTempPath(), $"beacon-bench-{layers}-{workloads}");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, true);
        }
        SyntheticOrganisation.Write(root, layers, workloads);
        var loaded = WorkspaceLoader.Load(root);
        if (!loaded.Success)
        {
            Console.Error.WriteLine(string.Join("\n", loaded.Diagnostics.Take(10)));
            return 1;
        }
        var inProcess = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var sw = Stopwatch.StartNew();
            WorkspaceLoader.Load(root);
            inProcess.Add(sw.Elapsed.TotalMilliseconds);
        }
        inProcess.Sort();
        var dll = Path.Combine(AppContext.BaseDirectory, "beacon.dll");
        var (min, median, max) = WholeProcess.Time("dotnet", [dll, "validate", root], root, runs: 10);
        Console.WriteLine($"repository: {layers} layers (depth <= 6), {workloads} workloads, 2 stacks at {root}");
        Console.WriteLine($"in-process WorkspaceLoader.Load, warm: median {inProcess[5]:F1} ms (min {inProcess[0]:F1})");
        Console.WriteLine($"whole process `beacon validate`: median {median:F0} ms (min {min:F0}, max {max:F0}) over 10 runs");
        return 0;
    }
    case "check-profile":
    {
        var root = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "beacon-lock-scale-200");
        for (var i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            var ws = WorkspaceLoader.Load(root).Workspace!;
            var load = sw.Elapsed.TotalMilliseconds;
            var sw2 = Stopwatch.StartNew();
            var all = Beacon.Layers.Locking.LockStore.ReadAll(ws);
            var readAll = sw2.Elapsed.TotalMilliseconds;
            sw2.Restart();
            foreach (var l in ws.Tree.TopologicalOrder) { Beacon.Layers.Locking.LayerInputs.Sha256(ws.Tree, l.Name); }
            Console.WriteLine($"  ReadAll {readAll:F0} ms ({all.Count} locks), inputs hashes {sw2.Elapsed.TotalMilliseconds:F0} ms");
            sw = Stopwatch.StartNew();
            load = 0;
            var diagnostics = Beacon.Layers.Gate.LockGate.RunAsync(ws, new Beacon.Conda.Channels.ChannelLoader(null)).GetAwaiter().GetResult().Diagnostics;
            Console.WriteLine($"run {i}: load {load:F0} ms, gate {sw.Elapsed.TotalMilliseconds - load:F0} ms, {diagnostics.Count} diagnostics");
        }
        return 0;
    }
    case "compiler":
    {
        // Whole-process time of the native Pulumi compiler (scripts/build-infra.sh), what `pulumi preview` runs at least
        // twice per preview.
        var repo = FixtureChannels.FindRepositoryRoot();
        var compiler = Path.Combine(repo, ".beacon", "infra", "beacon-infra");
        if (!File.Exists(compiler))
        {
            Console.Error.WriteLine($"{compiler} does not exist: run scripts/build-infra.sh first");
            return 1;
        }
        Environment.SetEnvironmentVariable("PULUMI_STACK", "acme-local");
        var (min, median, max) = WholeProcess.Time(compiler, [], repo, runs: 10);
        Console.WriteLine($"compiler on the example organisation (acme-local): median {median:F0} ms (min {min:F0}, max {max:F0}) over 10 runs");
        var scale = Path.Combine(Path.GetTempPath(), "beacon-lock-scale-200");
        if (!Directory.Exists(scale))
        {
            Console.WriteLine("run `lock-scale` first to generate and lock the 200-layer tree");
            return 1;
        }
        LockScale.WriteWorkloads(scale, 1000);
        Environment.SetEnvironmentVariable("PULUMI_STACK", "scale-k8s");
        var (smin, smedian, smax) = WholeProcess.Time(compiler, [], scale, runs: 5);
        Console.WriteLine($"compiler on 200 layers / 1000 workloads (kubernetes): median {smedian:F0} ms (min {smin:F0}, max {smax:F0}) over 5 runs");
        return 0;
    }
    case "startup":
        return Startup.Run(args.Skip(1).ToArray());
    case "lock-scale":
        return await LockScale.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    case "solver":
        BenchmarkDotNet.Running.BenchmarkRunner.Run<SolverBenchmarks>(args: args.Skip(1).ToArray());
        return 0;
    case "load-loop":
    {
        // For a sampling profiler: the reader alone, many times.
        var bytes = File.ReadAllBytes(Path.Combine(SolverBenchmarks.Channel("defaults-2018"), "linux-64", "repodata.json"));
        var n = 0;
        for (var i = 0; i < 300; i++)
        {
            n += new Beacon.Conda.Repodata.RepodataReader().Read(bytes, "https://c", "linux-64").Count;
        }
        Console.WriteLine(n);
        return 0;
    }
    case "load-profile":
    {
        // Where loading time goes: raw read, bare tokenizing, and the full reader, 30 runs each (medians).
        var file = Path.Combine(SolverBenchmarks.Channel(args.Length > 1 ? args[1] : "defaults-2018"), "linux-64", "repodata.json");
        double Median(Action a)
        {
            var t = new List<double>();
            for (var i = 0; i < 30; i++)
            {
                var sw = Stopwatch.StartNew();
                a();
                t.Add(sw.Elapsed.TotalMilliseconds);
            }
            t.Sort();
            return t[15];
        }
        var bytes = File.ReadAllBytes(file);
        var read = Median(() => File.ReadAllBytes(file));
        var tokenize = Median(() =>
        {
            var r = new System.Text.Json.Utf8JsonReader(bytes);
            while (r.Read()) { }
        });
        var full = Median(() => new Beacon.Conda.Repodata.RepodataReader().Read(bytes, "https://c", "linux-64"));
        var warmReader = new Beacon.Conda.Repodata.RepodataReader();
        var warm = Median(() => warmReader.Read(bytes, "https://c", "linux-64"));
        Console.WriteLine($"with warm version/string caches: {warm:F2} ms");
        var versions = warmReader.Read(bytes, "https://c", "linux-64").Select(r => r.Version.Text).Distinct().ToList();
        var parse = Median(() => { foreach (var v in versions) { Beacon.Conda.Versions.Version.Parse(v); } });
        Console.WriteLine($"parsing the {versions.Count} distinct versions: {parse:F2} ms");
        Console.WriteLine($"{file}: {bytes.Length / 1048576.0:F2} MB");
        Console.WriteLine($"read {read:F2} ms, tokenize {tokenize:F2} ms, full reader {full:F2} ms = {bytes.Length / 1048576.0 / (full / 1000):F0} MB/s (+read: {bytes.Length / 1048576.0 / ((full + read) / 1000):F0} MB/s)");
        return 0;
    }
    case "solver-memory":
    {
        var bench = new SolverBenchmarks();
        var before = Process.GetCurrentProcess().WorkingSet64;
        bench.Setup();
        var sizes = new[] { bench.SolveDefaults(), bench.SolveChild(), bench.SolveCondaForge(), bench.SolveNumpy() };
        bench.RefuseChild();
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"solutions: {string.Join(", ", sizes)} packages; refusal explained");
        Console.WriteLine($"peak working set: {self.PeakWorkingSet64 / 1048576.0:F0} MB (start {before / 1048576.0:F0} MB), managed heap now {GC.GetTotalMemory(false) / 1048576.0:F0} MB");
        return 0;
    }
    default:
        Console.Error.WriteLine($"unknown benchmark '{what}' (known: startup, validate, lock-scale, check-profile, compiler, solver, solver-memory, load-profile, load-loop)");
        return 2;
}
