using Beacon.Conda.Channels;
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
/// serves Beacon. (The fixture conda-forge-numpy-2024-02 is left out: its records carry <c>"depends": null</c>, which
/// rattler refuses in the JSON itself.)
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

    private static LoopbackServer Serve(string folder) => new(async (_, ctx) =>
    {
        var path = Path.Combine(folder, ctx.Request.Url!.AbsolutePath.TrimStart('/'));
        var found = File.Exists(path) && Path.GetFullPath(path).StartsWith(folder, StringComparison.Ordinal);
        await LoopbackServer.Send(ctx, found ? 200 : 404, found ? File.ReadAllBytes(path) : null);
    });

    /// <summary>rattler's solution from the shards-only mirror as <c>subdir/file name</c>, after checking it read shards and nothing else.</summary>
    private List<string> RattlerSolve(string channel, IEnumerable<string> specs)
    {
        var rattler = TestServices.RattlerJs();
        using var server = Serve(ShardsOnly(channel));
        var result = ProcessRunner.Run("node", [Path.Combine(RepoPaths.SourceDir(), "rattler-solve.cjs"), rattler, server.Url, string.Join(',', Subdirs), .. specs],
            timeout: TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.Stderr);
        var paths = server.Requests.Select(r => r.Path).ToList();
        Assert.Contains("/linux-64/repodata_shards.msgpack.zst", paths);
        Assert.Contains(paths, p => p.StartsWith("/linux-64/shards/", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.Contains("repodata.json", StringComparison.Ordinal));
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(url =>
        {
            Assert.StartsWith(server.Url + "/", url, StringComparison.Ordinal);
            return url[(server.Url.Length + 1)..];
        }).ToList();
    }

    private static List<string> BeaconSolve(string channel, IEnumerable<string> specs)
    {
        var result = RealChannelTests.Solve(LocalChannel.Load(channel, Subdirs, "c"), specs);
        Assert.True(result.Solved, result.Conflict?.Text);
        return result.Records!.Select(r => $"{r.Subdir}/{r.FileName}").Order(StringComparer.Ordinal).ToList();
    }

    [Theory]
    [InlineData("defaults-2018", "python 3.6.*|numpy|pandas|scipy")]
    [InlineData("conda-forge-py-2024-05", "python 3.9.*|pip")]
    public void Rattler_solves_from_beacon_s_shards_what_beacon_solves_from_the_json(string fixture, string specs)
    {
        var channel = Fixtures.Channel(fixture);
        var expected = BeaconSolve(channel, specs.Split('|'));
        Assert.Equal(expected, RattlerSolve(channel, specs.Split('|')));
    }

    /// <summary>The committed lock's packages as <c>subdir/file name</c>.</summary>
    private static List<string> LockedFiles(string layer) =>
        File.ReadAllLines(RepoPaths.RepoFile("layers", layer + ".lock"))
            .Where(line => line.Length > 0 && line[0] is not ('#' or '@'))
            .Select(line => string.Join('/', line.Split('#')[0].Split('/')[^2..]))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The conda requests of an example layer (its <c>dependencies:</c>).</summary>
    private static List<string> Dependencies(string layer)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoPaths.RepoFile("layers", layer + ".yaml"))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return ((YamlSequenceNode)root["dependencies"]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
    }

    [Fact]
    public void Rattler_reading_the_example_channel_s_shards_gives_the_core_and_notebook_locks()
    {
        var demo = RepoPaths.RepoFile("channels", "demo");
        Assert.Equal(LockedFiles("core"), RattlerSolve(demo, Dependencies("core")));

        // notebook is solved on core's packages as hard pins: exact name==version=build specs for rattler.
        var pins = LockedFiles("core").Select(file =>
        {
            var stem = Path.GetFileName(file).Replace(".tar.bz2", "", StringComparison.Ordinal).Replace(".conda", "", StringComparison.Ordinal);
            var build = stem[(stem.LastIndexOf('-') + 1)..];
            var rest = stem[..stem.LastIndexOf('-')];
            return $"{rest[..rest.LastIndexOf('-')]}=={rest[(rest.LastIndexOf('-') + 1)..]}={build}";
        }).ToList();
        Assert.Equal(LockedFiles("notebook"), RattlerSolve(demo, [.. Dependencies("notebook"), .. pins]));
    }
}
