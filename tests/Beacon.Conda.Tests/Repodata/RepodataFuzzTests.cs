using System.Text;
using System.Text.Json.Nodes;
using Beacon.Conda.Repodata;
using Beacon.TestSupport;
using CsCheck;
using Xunit.Abstractions;

namespace Beacon.Conda.Tests.Repodata;

/// <summary>
/// Fuzz (issue 10): the repodata reader over mutated real repodata — as text (JSON structure, values, file names) and
/// as bytes (invalid UTF-8, truncation). Every input is read or refused with a <see cref="RepodataException"/>; no
/// other exception, no hang; whatever is read passes the reader's own promises (hex sha256, file named after its
/// record, the subdir asked for).
/// </summary>
public class RepodataFuzzTests(ITestOutputHelper output)
{
    // Small real documents: a few records each from the example channel (real conda-forge repodata, channels/demo).
    private static readonly string[] Seeds = BuildSeeds();

    private static string[] BuildSeeds()
    {
        var full = JsonNode.Parse(File.ReadAllText(RepoPaths.RepoFile("channels", "demo", "linux-64", "repodata.json")))!.AsObject();
        var conda = full["packages.conda"]!.AsObject().ToList();
        var seeds = new List<string>();
        for (var i = 0; i + 3 <= conda.Count && seeds.Count < 12; i += 7)
        {
            var packages = new JsonObject();
            foreach (var (key, value) in conda.Skip(i).Take(3))
            {
                packages[key] = value!.DeepClone();
            }
            seeds.Add(new JsonObject { ["info"] = new JsonObject { ["subdir"] = "linux-64" }, ["packages"] = new JsonObject(), ["packages.conda"] = packages }.ToJsonString());
        }
        return [.. seeds];
    }

    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "null", "true", "1e30", "-1", "5", "0.5", "\"zz\"", "\"../../../etc/passwd\"",
        "\"osx-64\"", "\"noarch\"", "\"sha256\"", "\"md5\"", "\"depends\"", "\"constrains\"", "\"build\"", "\"build_number\"", "\"version\"", "\"name\"",
        "\"subdir\"", "\"fn\"", "\"timestamp\"", ".conda", ".tar.bz2", "\"packages\"", "\"packages.conda\"", "\"info\"", "\"repodata_version\"",
    ];

    private static void ReadOrRefuse(byte[] bytes)
    {
        var reader = new RepodataReader(RepodataPolicy.Channel);
        IReadOnlyList<Beacon.Conda.Records.PackageRecord> records;
        try
        {
            records = reader.Read(bytes, "https://conda.anaconda.org/conda-forge", "linux-64");
        }
        catch (RepodataException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return;
        }
        foreach (var r in records)
        {
            Assert.Matches("^[0-9a-f]{64}$", r.Sha256);
            Assert.True(r.Subdir is "linux-64", r.Subdir);
            Assert.StartsWith($"{r.Name}-{r.Version.Text}-{r.Build}.", r.FileName, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Mutated_text_is_read_or_refused_with_a_repodata_error()
    {
        Fuzz.Run("repodata (text)", Mutations.Of(Seeds, Tokens), text => ReadOrRefuse(Encoding.UTF8.GetBytes(text)), output, Fuzz.Show);
    }

    [Fact]
    public void Mutated_bytes_are_read_or_refused_with_a_repodata_error()
    {
        var bytes = Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Select(Gen.Int[0, int.MaxValue], Gen.Byte).Array[1, 8], Gen.Int[0, 3])
            .Select((seed, flips, cut) =>
            {
                var data = Encoding.UTF8.GetBytes(Seeds[seed]);
                foreach (var (at, value) in flips)
                {
                    data[at % data.Length] = value;
                }
                // One input in four is also cut short somewhere.
                return cut == 0 ? data[..(flips[0].Item1 % data.Length)] : data;
            });
        Fuzz.Run("repodata (bytes)", bytes, ReadOrRefuse, output, b => Convert.ToHexString(b.Length > 512 ? b[..512] : b));
    }
}
