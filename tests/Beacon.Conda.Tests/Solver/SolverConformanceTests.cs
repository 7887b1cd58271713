using Beacon.Conda.Channels;
using Beacon.Conda.Records;
using Beacon.Conda.Repodata;
using Beacon.Conda.Solver;
using Beacon.Conda.Specs;
using Beacon.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Beacon.Conda.Tests.Solver;

/// <summary>
/// conda's backend-agnostic solver cases (pytest-conda-solvers) through an adapter: the data files are conda's flat
/// test dicts, <c>${{ arch }}</c> is the platform subdir, <c>prefix</c> becomes soft locks and <c>history_specs</c>
/// stay requested (conda keeps what the user asked for earlier). Cases that test behaviour of the conda CLI rather
/// than of a solver are listed in <see cref="CliOnly"/> with the reason.
/// </summary>
public class SolverConformanceTests
{
    private const string Arch = "linux-64";
    

    /// <summary>Cases about conda-CLI behaviour, not a solver's answer; each with why it does not apply.</summary>
    private static readonly Dictionary<string, string> CliOnly = new()
    {
        ["S001"] = "determine_constricting_specs is conda's error-message helper, not a solve",
        ["S002"] = "determine_constricting_specs is conda's error-message helper, not a solve",
        ["S003"] = "determine_constricting_specs is conda's error-message helper, not a solve",
        ["S004"] = "determine_constricting_specs is conda's error-message helper, not a solve",
        ["S005"] = "determine_constricting_specs is conda's error-message helper, not a solve",
        ["S006"] = "determine_constricting_specs is conda's error-message helper, not a solve",
        ["S007"] = "determine_constricting_specs is conda's error-message helper, not a solve",
        ["B016"] = "auto_update_conda: the conda CLI adds 'conda' to the request when it updates itself",
        ["B017"] = "auto_update_conda with sys.prefix: conda-CLI self-update rule",
        ["B022"] = "conda's environment update keeps orphaned installed packages and re-resolves the dependencies of changed ones; a layer lock holds exactly the closure of its requests",
        ["B031"] = "update_modifier update_deps: the CLI also drops the user's earlier pins on the dependencies",
        ["B032"] = "deps_modifier only_deps: the CLI installs the dependencies of a spec but not the spec itself",
        ["B035"] = "update_modifier update_deps: the CLI also drops the user's earlier pins on the dependencies",
    };

    private static readonly Lazy<Dictionary<string, List<PackageRecord>>> Channels = new(LoadChannels);

    private static Dictionary<string, List<PackageRecord>> LoadChannels()
    {
        var result = new Dictionary<string, List<PackageRecord>>(StringComparer.Ordinal);
        foreach (var (file, bytes) in Fixtures.Files(".json", "conda", "solver-cases", "data"))
        {
            var stem = Path.GetFileNameWithoutExtension(file);
            var channel = stem[..stem.LastIndexOf('_')];
            var subdir = stem.EndsWith("_noarch", StringComparison.Ordinal) ? "noarch" : Arch;
            var records = new RepodataReader(RepodataPolicy.TestData).Read(bytes, "https://conda.example/" + channel, subdir);
            if (!result.TryGetValue(channel, out var list))
            {
                result[channel] = list = [];
            }
            list.AddRange(records.Select(r => r.Subdir.Length == 0 ? r with { Subdir = subdir } : r));
        }
        return result;
    }

    /// <summary>
    /// The same channels written as repodata.json (<c>{"packages": flat dict}</c>) into a channel folder, sharded by
    /// <see cref="ShardWriter"/> and opened by shards: every case must give the same answer through either reading.
    /// </summary>
    private static readonly Lazy<(TempRepo Folder, Dictionary<string, ChannelSource> Channels)> Sharded = new(() =>
    {
        var folder = new TempRepo("beacon-sharded-cases-");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => folder.Dispose();
        var sources = new Dictionary<string, ChannelSource>(StringComparer.Ordinal);
        foreach (var group in Fixtures.Files(".json", "conda", "solver-cases", "data").GroupBy(f =>
                 {
                     var stem = Path.GetFileNameWithoutExtension(f.Item1);
                     return stem[..stem.LastIndexOf('_')];
                 }))
        {
            foreach (var (file, bytes) in group)
            {
                var subdir = file.EndsWith("_noarch.json", StringComparison.Ordinal) ? "noarch" : Arch;
                var flat = System.Text.Json.Nodes.JsonNode.Parse(bytes)!.AsObject();
                var dir = Directory.CreateDirectory(Path.Combine(folder.Root, group.Key, subdir)).FullName;
                File.WriteAllText(Path.Combine(dir, "repodata.json"), new System.Text.Json.Nodes.JsonObject
                {
                    ["info"] = new System.Text.Json.Nodes.JsonObject { ["subdir"] = subdir },
                    ["packages"] = flat.DeepClone(),
                }.ToJsonString());
            }
            ShardWriter.IndexChannel(Path.Combine(folder.Root, group.Key), RepodataPolicy.TestData);
            var source = LocalChannel.Open(Path.Combine(folder.Root, group.Key), [Arch, "noarch"], group.Key, "https://conda.example/" + group.Key,
                new RepodataReader(RepodataPolicy.TestData));
            Assert.All(source.Subdirs, s => Assert.IsType<ShardedSubdir>(s));
            sources[group.Key] = source;
        }
        return (folder, sources);
    });

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var file in new[] { "basic.yaml", "constricting_specs.yaml" })
        {
            foreach (var test in LoadTests(file))
            {
                var id = ((YamlScalarNode)test["id"]).Value!;
                if (!CliOnly.ContainsKey(id))
                {
                    data.Add(file, id, "json");
                    data.Add(file, id, "sharded");
                }
            }
        }
        return data;
    }

    private static IEnumerable<YamlMappingNode> LoadTests(string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(Fixtures.ReadAllText("conda", "solver-cases", file)));
        return ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["tests"]).Children.Cast<YamlMappingNode>();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Conda_solver_case(string file, string id, string reading)
    {
        var test = LoadTests(file).Single(t => ((YamlScalarNode)t["id"]).Value == id);
        var input = (YamlMappingNode)test["input"];
        var kind = ((YamlScalarNode)test["kind"]).Value;
        var channelNames = Strings(input, "channels");
        IReadOnlyList<IReadOnlyList<PackageRecord>> channels = channelNames.Select(c => (IReadOnlyList<PackageRecord>)Channels.Value[c]).ToList();
        var specsToAdd = Strings(input, "specs_to_add").Select(MatchSpec.Parse).ToList();
        var history = Strings(input, "history_specs").Select(MatchSpec.Parse).ToList();
        var prefix = Strings(input, "prefix").Select(p => FindRecord(channelNames, p)).ToList();
        var aggressive = Strings(input, "aggressive_update_packages").ToHashSet();
        var updateModifier = Scalar(input, "update_modifier");
        var priority = Scalar(input, "channel_priority") == "disabled" ? ChannelPriority.Disabled : ChannelPriority.Flexible;

        // conda keeps earlier requests, except where the new request names the same package; update_all and
        // aggressive updates keep only the names of earlier requests, not their versions.
        var requests = specsToAdd
            .Concat(history.Where(h => specsToAdd.All(s => s.Name != h.Name))
                .Select(h => updateModifier == "update_all" || aggressive.Contains(h.Name) ? Unpinned(h, prefix) : h))
            .Select(s => new Request(s))
            .ToList();
        if (Scalar(input, "add_pip") == "true")
        {
            requests.Add(new Request(MatchSpec.Parse("pip"))); // conda's add_pip_as_python_dependency
        }
        // What the user names now is updated (freed); the rest of the environment is preferred as it is.
        var locks = updateModifier is "update_all"
            ? []
            : prefix.Where(p => !aggressive.Contains(p.Name) && specsToAdd.All(s => s.Name != p.Name)).ToList();
        var hardPins = updateModifier == "freeze_installed"
            ? prefix.Where(p => specsToAdd.All(s => s.Name != p.Name)).Select(p => new HardPin(p, "the installed environment")).ToList()
            : [];

        if (reading == "sharded")
        {
            // Only what the solve reaches from its requests and the installed environment is read.
            channels = await ChannelSource.ReachAsync(channelNames.Select(c => Sharded.Value.Channels[c]).ToList(),
                requests.Select(r => r.Spec.Name).Concat(prefix.Select(p => p.Name)));
        }
        var result = CondaSolver.Solve(new SolveRequest
        {
            Channels = channels,
            Requests = requests,
            SoftLocks = locks,
            HardPins = hardPins,
        }, priority);

        var output = test.Children.TryGetValue(new YamlScalarNode("output"), out var o) ? (YamlMappingNode)o : new YamlMappingNode();
        if (kind == "unsatisfiable")
        {
            Assert.False(result.Solved, $"expected unsatisfiable, got {string.Join(", ", result.Records?.Select(r => r.DistString) ?? [])}");
            Assert.False(string.IsNullOrWhiteSpace(result.Conflict!.Text));
            return;
        }
        Assert.True(result.Solved, result.Conflict?.Text);
        var actual = result.Records!.Select(r => r.DistString).Order(StringComparer.Ordinal).ToList();
        if (kind == "solve")
        {
            var expected = Strings(output, "final_state").Select(Dist).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, actual);
        }
        else if (kind == "solve_for_diff")
        {
            var before = prefix.Select(p => p.DistString).ToHashSet();
            var unlink = before.Except(actual).Order(StringComparer.Ordinal).ToList();
            var link = actual.Except(before).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(Strings(output, "unlink_precs").Select(Dist).Order(StringComparer.Ordinal), unlink);
            Assert.Equal(Strings(output, "link_precs").Select(Dist).Order(StringComparer.Ordinal), link);
        }
        else
        {
            Assert.Fail($"unknown case kind {kind}");
        }
    }

    [Fact]
    public void Skipped_cases_are_few_and_explained()
    {
        var all = LoadTests("basic.yaml").Concat(LoadTests("constricting_specs.yaml")).Select(t => ((YamlScalarNode)t["id"]).Value!).ToList();
        Assert.Equal(42, all.Count);
        Assert.All(CliOnly.Keys, k => Assert.Contains(k, all));
        // The 7 constricting-spec cases test a conda helper; of the 35 solve cases at most 6 may be CLI-only.
        Assert.True(CliOnly.Keys.Count(k => k.StartsWith('B')) <= 6, "at most 6 of the 35 solve cases may be skipped as CLI-only");
    }

    /// <summary>conda's update rules keep only the name of an earlier request, except python, which stays within its minor version.</summary>
    private static MatchSpec Unpinned(MatchSpec history, List<PackageRecord> prefix)
    {
        var python = prefix.FirstOrDefault(p => p.Name == "python");
        if (history.Name == "python" && python is not null)
        {
            var parts = python.Version.Text.Split('.');
            return MatchSpec.Parse($"python {parts[0]}.{parts[1]}.*");
        }
        return MatchSpec.Parse(history.Name);
    }

    private static PackageRecord FindRecord(IEnumerable<string> channels, string entry)
    {
        var dist = Dist(entry);
        return channels.SelectMany(c => Channels.Value[c]).FirstOrDefault(r => r.DistString == dist)
            ?? throw new InvalidOperationException($"prefix record {entry} not found in the channels");
    }

    /// <summary>"channel-1/${{ arch }}::numpy-1.7.1-py33_0" → "numpy-1.7.1-py33_0".</summary>
    private static string Dist(string entry) => entry[(entry.IndexOf("::", StringComparison.Ordinal) + 2)..];

    private static List<string> Strings(YamlMappingNode map, string key)
    {
        if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node))
        {
            return [];
        }
        return node switch
        {
            YamlScalarNode { Value: null or "" or "null" } => [],
            YamlScalarNode s => [s.Value!],
            YamlSequenceNode seq => seq.Children.OfType<YamlScalarNode>().Select(x => x.Value!).ToList(),
            _ => [],
        };
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode s ? s.Value : null;
}
