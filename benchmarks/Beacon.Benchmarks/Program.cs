using System.Diagnostics;
using Beacon.Benchmarks;
using Beacon.Layers.Loading;

// Benchmarks for the figures in the issue notes. Run: dotnet run -c Release --project benchmarks/Beacon.Benchmarks -- <what>
//   validate [layers] [workloads]   whole-process `beacon validate` on a generated repository (default 500 / 1000)
var what = args.Length > 0 ? args[0] : "validate";
switch (what)
{
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
    default:
        Console.Error.WriteLine($"unknown benchmark '{what}' (known: validate)");
        return 2;
}
