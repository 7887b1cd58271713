using BenchmarkDotNet.Attributes;
using Beacon.Conda.Channels;
using Beacon.Conda.Records;
using Beacon.Conda.Repodata;
using Beacon.Conda.Solver;
using Beacon.Conda.Specs;

namespace Beacon.Benchmarks;

/// <summary>
/// Repodata loading and solve times on the fixture channels (tests/fixtures/conda/channels; issue 3's figures). Solves include building the
/// pool (sorting, spec parsing), i.e. everything after the repodata is in memory — like "solve only" for mamba.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class SolverBenchmarks
{
    private ChannelData _defaults = null!;
    private ChannelData _condaForgePy = null!;
    private ChannelData _numpy = null!;
    private List<HardPin> _parentPins = null!;

    public static string Channel(string name) => FixtureChannels.Plain(name);

    [GlobalSetup]
    public void Setup()
    {
        _defaults = LocalChannel.Load(Channel("defaults-2018"), ["linux-64", "noarch"]);
        _condaForgePy = LocalChannel.Load(Channel("conda-forge-py-2024-05"), ["linux-64", "noarch"]);
        _numpy = LocalChannel.Load(Channel("conda-forge-numpy-2024-02"), ["linux-64", "noarch"]);
        _parentPins = Solve(_defaults, "python 3.6.*", "numpy").Records!.Select(r => new HardPin(r, "layer 'base'")).ToList();
    }

    private static SolveResult Solve(ChannelData channel, params string[] specs) => Solve(channel, [], specs);

    private static SolveResult Solve(ChannelData channel, List<HardPin> pins, params string[] specs) => CondaSolver.Solve(new SolveRequest
    {
        Channels = [channel.Records],
        Requests = specs.Select(s => new Request(MatchSpec.Parse(s))).ToList(),
        HardPins = pins,
    });

    [Benchmark(Description = "load defaults-2018 (linux-64+noarch, 2.9 MB)")]
    public int LoadDefaults() => LocalChannel.Load(Channel("defaults-2018"), ["linux-64", "noarch"], reader: new RepodataReader()).Records.Count;

    [Benchmark(Description = "load conda-forge-py-2024-05 (linux-64+noarch, 2.5 MB)")]
    public int LoadCondaForgePy() => LocalChannel.Load(Channel("conda-forge-py-2024-05"), ["linux-64", "noarch"], reader: new RepodataReader()).Records.Count;

    [Benchmark(Description = "solve defaults: python 3.6.* numpy pandas scipy")]
    public int SolveDefaults() => Solve(_defaults, "python 3.6.*", "numpy", "pandas", "scipy").Records!.Count;

    [Benchmark(Description = "solve defaults child: pandas scipy on pinned parent")]
    public int SolveChild() => Solve(_defaults, _parentPins, "pandas", "scipy").Records!.Count;

    [Benchmark(Description = "refuse defaults child: python 3.7.* on pinned parent")]
    public bool RefuseChild() => Solve(_defaults, _parentPins, "python 3.7.*").Solved;

    [Benchmark(Description = "solve conda-forge: python 3.9.* pip")]
    public int SolveCondaForge() => Solve(_condaForgePy, "python 3.9.*", "pip").Records!.Count;

    [Benchmark(Description = "solve conda-forge numpy closure: numpy")]
    public int SolveNumpy() => Solve(_numpy, "numpy").Records!.Count;
}
