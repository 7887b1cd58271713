using System.Diagnostics;
using Beacon.Conda.Channels;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;

namespace Beacon.Benchmarks;

/// <summary>
/// Issue 4's scale figures: a generated tree of layers (depth up to 6) over the real defaults-2018 channel — the time
/// of a full lock, of a re-lock after one leaf changes (with the number of layers re-solved), and of the whole-process
/// `beacon check` on the tree.
/// </summary>
public static class LockScale
{
    private static readonly string[] Leaves =
    [
        "pytz", "six", "requests", "idna", "chardet", "urllib3", "certifi", "jinja2", "markupsafe", "click", "flask",
        "itsdangerous", "werkzeug", "sqlalchemy", "pyyaml", "dask", "bokeh", "matplotlib", "decorator", "pandas", "scipy",
        "python-dateutil", "pycparser", "cffi", "psutil", "pyparsing", "packaging", "attrs", "toolz", "cloudpickle",
        "boto3", "ipython", "sphinx", "twisted", "tornado", "psycopg2", "distributed", "jsonschema", "pygments", "ujson",
    ];

    public static async Task<int> RunAsync(int layers)
    {
        var root = Path.Combine(Path.GetTempPath(), $"beacon-lock-scale-{layers}");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, true);
        }
        Directory.CreateDirectory(Path.Combine(root, "layers"));
        File.WriteAllText(Path.Combine(root, "beacon.yaml"), $"channels:\n  defaults: {SolverBenchmarks.Channel("defaults-2018")}\n");
        File.WriteAllText(Path.Combine(root, "layers", "base.yaml"),
            "name: base\nplatform: linux-64\nbase-image: mambaorg/micromamba:1.5.8@sha256:475730daef12ff9c0733e70092aeeefdf4c373a584c952dac3f7bdb739601990\nchannels: [defaults]\nstage: production\ndependencies:\n  - python 3.6.*\n  - numpy 1.15.*\n");
        var random = new Random(7);
        var depth = new List<(string Name, int Depth, HashSet<string> Has)> { ("base", 0, []) };
        for (var i = 1; i < layers; i++)
        {
            var candidates = depth.Where(d => d.Depth < 6).ToList();
            var parent = candidates[random.Next(candidates.Count)];
            var adds = Leaves.Where(l => !parent.Has.Contains(l)).OrderBy(_ => random.Next()).Take(1 + random.Next(2)).ToList();
            var name = $"layer-{i:D3}";
            depth.Add((name, parent.Depth + 1, [.. parent.Has, .. adds]));
            File.WriteAllText(Path.Combine(root, "layers", name + ".yaml"),
                $"name: {name}\nparent: {parent.Name}\nstage: production\ndependencies:\n" + string.Concat(adds.Select(a => $"  - {a}\n")));
        }

        var workspace = WorkspaceLoader.Load(root).Workspace ?? throw new InvalidOperationException("generated repository is invalid");
        var watch = Stopwatch.StartNew();
        var locker = new Locker(workspace, new ChannelLoader(null));
        var full = await locker.RunAsync(new LockOptions());
        watch.Stop();
        if (!full.Success)
        {
            Console.Error.WriteLine(string.Join("\n", full.Results.OfType<LayerNotLocked>().Take(3).Select(r => r.Layer + ": " + r.Explanation)));
            return 1;
        }
        locker.Write(full);
        Console.WriteLine($"tree: {layers} layers, max depth {depth.Max(d => d.Depth)}, over defaults-2018 ({root})");
        Console.WriteLine($"full lock (in process, channel load included): {watch.Elapsed.TotalMilliseconds:F0} ms, {full.Solves} layers solved");

        var leaf = depth.Where(d => workspace.Tree.Children(d.Name).Count == 0).Select(d => d.Name).Last();
        File.AppendAllText(Path.Combine(root, "layers", leaf + ".yaml"), "  - pyparsing\n");
        workspace = WorkspaceLoader.Load(root).Workspace!;
        watch.Restart();
        var relocker = new Locker(workspace, new ChannelLoader(null));
        var relock = await relocker.RunAsync(new LockOptions());
        watch.Stop();
        relocker.Write(relock);
        Console.WriteLine($"re-lock after changing leaf {leaf}: {watch.Elapsed.TotalMilliseconds:F0} ms, {relock.Solves} layer(s) re-solved");

        var dll = Path.Combine(AppContext.BaseDirectory, "beacon.dll");
        var (min, median, max) = WholeProcess.Time("dotnet", [dll, "check", "-C", root], root, runs: 10);
        Console.WriteLine($"whole process `beacon check` on {layers} layers (JIT): median {median:F0} ms (min {min:F0}, max {max:F0}) over 10 runs");
        // Workloads need what some layer has: python and up to three of one layer's own packages, so routing meets
        // hundreds of distinct requirement sets (not one repeated a thousand times).
        var needs = Enumerable.Range(0, 1000).Select(_ =>
        {
            var has = depth[random.Next(depth.Count)].Has.Order(StringComparer.Ordinal).ToList();
            return (IReadOnlyList<string>)["python", .. has.OrderBy(_ => random.Next()).Take(random.Next(4))];
        }).ToList();
        NativeRows(root, layers, needs);
        return 0;
    }

    /// <summary>
    /// Issue 21's 500-layer row: the native CLI and compiler on the tree with 1,000 workloads and a kubernetes stack,
    /// then again once the repository has a 20,000-commit history (lock commits are read from git).
    /// </summary>
    private static void NativeRows(string root, int layers, IReadOnlyList<IReadOnlyList<string>> needs)
    {
        var repo = FixtureChannels.FindRepositoryRoot();
        var beacon = Path.Combine(repo, ".beacon", "cli", "beacon");
        var compiler = Path.Combine(repo, ".beacon", "infra", "beacon-infra");
        if (!File.Exists(beacon) || !File.Exists(compiler))
        {
            Console.WriteLine("native rows skipped: build .beacon/cli/beacon (./beacon --version) and scripts/build-infra.sh first");
            return;
        }
        WriteWorkloads(root, 1000, needs);
        var stack = new Dictionary<string, string> { ["PULUMI_STACK"] = "scale-k8s" };
        void Row(string title, string exe, string[] arguments, Dictionary<string, string>? env)
        {
            var f = WholeProcess.Measure(exe, arguments, root, 5, env);
            Console.WriteLine(System.FormattableString.Invariant(
                $"{title,-66} {f.MedianMs,6:F0}ms {f.MinMs,4:F0}ms {f.MaxMs,4:F0}ms {f.PeakRssKiB / 1024.0,6:F1}MiB"));
        }
        Console.WriteLine($"native, {layers} layers / 1,000 workloads, median of 5 after a warm-up, peak RSS:");
        Row("beacon check", beacon, ["check"], null);
        Row("Pulumi compiler (kubernetes stack), no git history", compiler, [], stack);
        var commits = History.Write(root, 20_000);
        Row($"Pulumi compiler, {commits:N0} commits of history", compiler, [], stack);
        Row($"beacon check, {commits:N0} commits of history", beacon, ["check"], null);
    }

    /// <summary>Workloads of the four kinds in 20 groups, each needing python and numpy or what <paramref name="needs"/>
    /// gives it, and a kubernetes stack.</summary>
    public static void WriteWorkloads(string root, int count, IReadOnlyList<IReadOnlyList<string>>? needs = null)
    {
        Directory.CreateDirectory(Path.Combine(root, "workloads"));
        Directory.CreateDirectory(Path.Combine(root, "stacks"));
        File.WriteAllText(Path.Combine(root, "stacks", "Pulumi.scale-k8s.yaml"), "config:\n  beacon:cloud: kubernetes\n  beacon:registry: registry.example:5000/beacon\n  beacon:cluster: {kubeconfig: ~/.kube/config, context: scale}\n");
        var kinds = new[] { "service", "job", "cronjob", "kernel" };
        for (var i = 0; i < count; i++)
        {
            var kind = kinds[i % 4];
            File.WriteAllText(Path.Combine(root, "workloads", $"w-{i:D4}.yaml"),
                $"name: w-{i:D4}\nkind: {kind}\ncommand: [python, -m, app{i}]\nrequires: [{string.Join(", ", needs?[i] ?? ["python", "numpy"])}]\ngroup: g-{i % 20:D2}\n" +
                (kind == "cronjob" ? "schedule: \"0 6 * * *\"\n" : "") + (kind is "service" or "kernel" ? "ports: [8080]\n" : ""));
        }
    }
}
