using Beacon.Conda.Channels;
using Beacon.Conda.Locks;
using Beacon.Conda.Records;
using Beacon.Conda.Repodata;
using Beacon.Conda.Solver;
using Beacon.Conda.Tests.Solver;
using Beacon.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Beacon.Conda.Tests.Repodata;

/// <summary>
/// The shards <c>beacon index</c> writes, read by another implementation: rattler (conda/rattler, the library pixi is
/// built on; npm <c>@conda-org/rattler</c>, its Rust compiled to WASM, run by node through rattler-solve.cjs) solves
/// from a loopback mirror that holds only the shard index and the shards (no repodata.json to fall back on), and its
/// answer must be Beacon's own solver's answer from the channel's repodata.json — and, on the example channel, the
/// committed locks. An organisation's air-gapped mirror indexed by Beacon must serve pixi, rattler and conda as it
/// serves Beacon. (conda-forge-numpy-2024-02's records with <c>"depends": null</c>, which rattler refuses, are read
/// because ShardWriter leaves null-valued keys out; the random sweep keeps to the two larger channels.)
/// </summary>
public class RattlerReadsBeaconShardsTests : IDisposable
{
    private static readonly string[] Subdirs = ["linux-64", "noarch"];
    private readonly TempRepo _temp = new("beacon-rattler-");

    public void Dispose() => _temp.Dispose();

    /// <summary>A copy of <paramref name="channel"/> indexed by <see cref="ShardWriter"/>, with its repodata.json files removed.</summary>
    private string ShardsOnly(string channel)
    {
        var copy = Path.Combine(_temp.Root, Path.GetFileName(channel));
        foreach (var subdir in Subdirs)
        {
            Directory.CreateDirectory(Path.Combine(copy, subdir));
            foreach (var file in Directory.GetFiles(Path.Combine(channel, subdir)))
            {
                File.Copy(file, Path.Combine(copy, subdir, Path.GetFileName(file)));
            }
        }
        ShardWriter.IndexChannel(copy);
        foreach (var json in Directory.GetFiles(copy, "repodata.json*", SearchOption.AllDirectories))
        {
            File.Delete(json);
        }
        return copy;
    }

    /// <summary>
    /// rattler's solution of each request (specs joined by '|') from the shards-only mirror, as <c>subdir/file name</c>
    /// (null when rattler finds none), after checking that it read shards and nothing else.
    /// </summary>
    private List<List<string>?> RattlerSolve(string channel, IReadOnlyList<string> requests)
    {
        var rattler = TestServices.RattlerJs();
        using var server = LoopbackServer.ServeFolder(ShardsOnly(channel));
        var file = Path.Combine(_temp.Root, "requests.txt");
        File.WriteAllLines(file, requests);
        var result = ProcessRunner.Run("node", [Path.Combine(RepoPaths.SourceDir(), "rattler-solve.cjs"), rattler, server.Url, string.Join(',', Subdirs), file],
            timeout: TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.Stderr);
        var paths = server.Requests.Select(r => r.Path).ToList();
        Assert.Contains("/linux-64/repodata_shards.msgpack.zst", paths);
        Assert.Contains(paths, p => p.StartsWith("/linux-64/shards/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.Contains("repodata.json", StringComparison.Ordinal));
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(requests.Count, lines.Length);
        return lines.Select(line => line == "unsolvable" ? null : line.Split(' ').Select(url =>
        {
            Assert.StartsWith(server.Url + "/", url, StringComparison.Ordinal);
            return url[(server.Url.Length + 1)..];
        }).ToList()).ToList();
    }

    private List<string> RattlerSolveOne(string channel, IEnumerable<string> specs) =>
        RattlerSolve(channel, [string.Join('|', specs)])[0] ?? throw new Xunit.Sdk.XunitException("rattler found no solution");

    private static List<string>? BeaconSolve(ChannelData channel, IEnumerable<string> specs)
    {
        var result = RealChannelTests.Solve(channel, specs);
        return result.Solved ? result.Records!.Select(r => $"{r.Subdir}/{r.FileName}").Order(StringComparer.Ordinal).ToList() : null;
    }

    private static List<string> BeaconSolve(string channel, IEnumerable<string> specs) =>
        BeaconSolve(LocalChannel.Load(channel, Subdirs, "c", reader: new RepodataReader(RepodataPolicy.Explore)), specs) ?? throw new Xunit.Sdk.XunitException("Beacon found no solution");

    [SkippableTheory]
    [InlineData("defaults-2018", "python 3.6.*|numpy|pandas|scipy")]
    [InlineData("conda-forge-py-2024-05", "python 3.9.*|pip")]
    // Five of its records carry "depends": null, which rattler refuses; Beacon's shards leave null-valued keys out.
    [InlineData("conda-forge-numpy-2024-02", "numpy|python 3.12.*")]
    public void Rattler_solves_from_beacon_s_shards_what_beacon_solves_from_the_json(string fixture, string specs)
    {
        var channel = Fixtures.Channel(fixture);
        var expected = BeaconSolve(channel, specs.Split('|'));
        Assert.Equal(expected, RattlerSolveOne(channel, specs.Split('|')));
    }

    /// <summary>A committed lock of the example, read by Beacon's own parser of explicit files.</summary>
    private static IReadOnlyList<LockedPackage> Locked(string layer)
    {
        var parsed = ExplicitLock.Parse(File.ReadAllText(RepoPaths.RepoFile("layers", layer + ".lock")));
        Assert.True(parsed.Success, parsed.Error?.ToString());
        return parsed.Value!.Packages;
    }

    /// <summary>The committed lock's packages as <c>subdir/file name</c>.</summary>
    private static List<string> LockedFiles(string layer) =>
        Locked(layer).Select(p => $"{p.Subdir}/{p.FileName}").Order(StringComparer.Ordinal).ToList();

    /// <summary>The conda requests of an example layer (its <c>dependencies:</c>).</summary>
    private static List<string> Dependencies(string layer)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoPaths.RepoFile("layers", layer + ".yaml"))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return ((YamlSequenceNode)root["dependencies"]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
    }

    [SkippableFact]
    public void Rattler_reading_the_example_channel_s_shards_gives_the_core_and_notebook_locks()
    {
        var demo = RepoPaths.RepoFile("channels", "demo");
        Assert.Equal(LockedFiles("core"), RattlerSolveOne(demo, Dependencies("core")));

        // notebook is solved on core's packages as hard pins: exact name==version=build specs for rattler.
        var pins = Locked("core").Select(p => $"{p.Name}=={p.Version.Text}={p.Build}").ToList();
        Assert.Equal(LockedFiles("notebook"), RattlerSolveOne(demo, [.. Dependencies("notebook"), .. pins]));
    }

    /// <summary>
    /// Seeded random requests of one to five specs (a third with a version operator) over two real channels, solved by
    /// both (neither given virtual packages; Beacon reads the records as <c>beacon solve</c> does, those with an md5 and
    /// no sha256 included, as rattler reads them). Where the answers differ, both are complete environments (Beacon's
    /// SolutionCheck refuses any other; both solvers agree on which requests have none), and the snapshot shows, per
    /// package, what each installs. Both install the best candidate of a requirement first, but choose differently which
    /// requirement to meet first and how to break ties between variants of one version. On conda-forge-py-2024-05 the
    /// 300 answers are alike; on defaults-2018 the differences are all among R's two builds (r-base with _r-mutex
    /// anacondar and blas openblas, or mro-base) and numpy/scipy's python variants. Beacon then raises each requested
    /// package to the highest version that still has a solution (CondaSolver), as conda aims to: where the two differ on
    /// a requested package, Beacon's is mostly the higher (r-dbi 1.0.0 against 0.8; on 2,500 requests, 60 higher and 1
    /// lower). Requests are raised in the order of their text, so the answer never depends on the order they were written
    /// in (SoftLockAndDeterminismTests); a raise holds for the requests after it, while a request that needed none may give
    /// way to a later one's (sqlite 3.45 with libzlib 1.2.13 rather than libzlib 1.3.1 with sqlite 3.32). Comparing this
    /// way found two real defects, both now fixed and pinned in RealChannelTests: a dependency left out after a conflict,
    /// and a record whose dependency no package matches let back in after a backjump.
    /// </summary>
    [SkippableTheory]
    [InlineData("defaults-2018", 300)]
    [InlineData("conda-forge-py-2024-05", 300)]
    public void Rattler_and_beacon_agree_on_random_requests_or_the_difference_is_shown(string fixture, int count)
    {
        var channel = Fixtures.Channel(fixture);
        var data = LocalChannel.Load(channel, Subdirs, "c", reader: new RepodataReader(RepodataPolicy.Explore));
        var versions = data.Records.GroupBy(r => r.Name).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Versions: g.Select(r => r.Version.Text).Distinct().Order(StringComparer.Ordinal).ToList())).ToList();
        var random = new Random(20261205);
        string[] operators = [">=", "<", "=="];
        var requests = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var specs = new List<string>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                var (name, known) = versions[random.Next(versions.Count)];
                if (names.Add(name))
                {
                    // A third of the specs name a version the channel has, with an operator.
                    specs.Add(random.Next(3) == 0 ? $"{name} {operators[random.Next(3)]}{known[random.Next(known.Count)]}" : name);
                }
            }
            requests.Add(string.Join('|', specs));
        }
        var rattler = RattlerSolve(channel, requests);
        var report = new System.Text.StringBuilder();
        var (agreed, unsolvable) = (0, 0);
        for (var i = 0; i < requests.Count; i++)
        {
            var beacon = BeaconSolve(data, requests[i].Split('|'));
            if (beacon is null && rattler[i] is null)
            {
                unsolvable++;
                continue;
            }
            if (beacon is not null && rattler[i] is not null && beacon.SequenceEqual(rattler[i]!))
            {
                agreed++;
                continue;
            }
            report.Append(requests[i]).Append('\n').Append(Difference(beacon, rattler[i]));
        }
        Snapshot.Match($"{agreed} of {requests.Count} requests solved alike, {unsolvable} unsolvable for both; the others:\n{report}",
            $"rattler-differences-{fixture}");
    }

    /// <summary>Where two answers differ, by package name: what each installs (a dash where it installs none).</summary>
    private static string Difference(List<string>? beacon, List<string>? rattler)
    {
        if (beacon is null || rattler is null)
        {
            return $"  unsolvable for {(beacon is null ? "Beacon" : "rattler")} only\n";
        }
        // By package name: the rest of the file name (version, build and extension) is what each installs.
        static Dictionary<string, string> ByName(List<string> files) => files.Select(f => Path.GetFileName(f)).ToDictionary(
            f => PackageFileName.NameOf(f)!, f => f[(PackageFileName.NameOf(f)!.Length + 1)..], StringComparer.Ordinal);
        var (b, r) = (ByName(beacon), ByName(rattler));
        return string.Concat(b.Keys.Union(r.Keys).Order(StringComparer.Ordinal)
            .Where(name => b.GetValueOrDefault(name) != r.GetValueOrDefault(name))
            .Select(name => $"  {name}: Beacon {b.GetValueOrDefault(name) ?? "-"}, rattler {r.GetValueOrDefault(name) ?? "-"}\n"));
    }
}
