using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Beacon.Integration.Tests.Docker;
using Beacon.Oci.References;
using Beacon.Oci.Registry;
using Beacon.TestSupport;
using Beacon.TestSupport.Conda;

namespace Beacon.Integration.Tests.Oci;

/// <summary>
/// Hostile packages through the whole `beacon build` with the oci builder and the real registry: packages that try to
/// steal a host file into the image (a hard link or a paths.json entry through a chain of symbolic links that climbs
/// to / and down into a canary folder), plant a file on the host, or are garbage, each end in BEA0617 naming the
/// package; an honest package with directory links builds. Afterwards the canary folder is as it was, and no layer
/// blob the registry holds for any of these layers contains a byte sequence of the canary's secret.
/// </summary>
[Collection("docker")]
public sealed class HostilePackageBuildTests(DockerFixture docker) : IClassFixture<DockerFixture>, IDisposable
{
    private readonly TempRepo _repo = new("beacon-hostile-build-");
    private readonly string _namespace = "beacon-hostile-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _secret = "CANARY-" + Guid.NewGuid().ToString("N");

    public void Dispose() => _repo.Dispose();

    /// <summary>
    /// Forty folders deep, d/up points at the package root (allowed) and d/esc at up/ and forty ".." then the canary's
    /// absolute path: read as text, esc stays inside the package; resolved through up, it climbs to / from wherever
    /// the package is extracted and goes down into the canary folder.
    /// </summary>
    private static readonly string Deep = string.Join('/', Enumerable.Range(1, 40).Select(i => $"d{i}"));

    private CondaPackageBuilder Chain(string name) => new CondaPackageBuilder(name)
        .Symlink($"{Deep}/up", string.Join('/', Enumerable.Repeat("..", 40)))
        .Symlink($"{Deep}/esc", "up/" + string.Join('/', Enumerable.Repeat("..", 40)) + _repo.Path_("canary"));

    [SkippableFact]
    public async Task Hostile_packages_end_in_BEA0617_and_nothing_of_the_host_reaches_the_registry()
    {
        var client = docker.Require();
        _repo.Write("canary/secret", _secret + "\n");
        _repo.Write("canary/existing.sh", "#!/bin/sh\necho untouched\n");
        var channel = _repo.Path_("hostile-channel");
        CondaPackageBuilder.Channel(channel,
            Chain("thief").HardLink("share/stolen.txt", $"{Deep}/esc/secret"),
            Chain("lister").Listed($"{Deep}/esc/secret"),
            Chain("planter").File($"{Deep}/esc/planted.sh", "#!/bin/sh\necho planted\n").File($"{Deep}/esc/existing.sh", "replaced\n"),
            new CondaPackageBuilder("linky").File("lib/real/data.txt", "read through the link\n").Symlink("lib/alias", "real").Symlink("lib/self", "."));
        AddGarbageTarBz2(channel, "garbage-1.0-0.tar.bz2");

        _repo.Write("beacon.yaml", $"channels:\n  hostile: {channel}\n");
        var layers = new[] { "thief", "lister", "planter", "garbage", "linky" };
        foreach (var name in layers)
        {
            _repo.Write($"layers/h-{name}.yaml", $"name: h-{name}\nplatform: linux-64\nbase-image: {docker.BusyboxBase}\nchannels: [hostile]\nstage: production\ndependencies:\n  - {name}\n");
        }
        _repo.Write("stacks/Pulumi.hostile.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {docker.Registry}/{_namespace}\n  beacon:builder: oci\n");
        var env = new Dictionary<string, string?> { ["BEACON_CACHE_DIR"] = _repo.Path_("cache/repodata"), ["NO_COLOR"] = "1" };
        ProcessResult Cli(params string[] args) => ProcessRunner.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "beacon.dll"), .. args], _repo.Root, env);
        var locked = Cli("lock", "--quiet");
        Assert.True(locked.ExitCode == 0, locked.Stderr);
        var canaryBefore = Canary();

        var refusals = new Dictionary<string, string>
        {
            ["thief"] = "thief-1.0-0.conda: hard link 'share/stolen.txt' names no regular file this package extracted earlier",
            ["lister"] = $"lister-1.0-0.conda: symbolic link '{Deep}/esc' leads outside the package through other links",
            // (a path this long is shortened where it is quoted as the entry)
            ["planter"] = $"would be written through the symbolic link '{Deep}/esc'",
            ["garbage"] = "garbage-1.0-0.tar.bz2 cannot be extracted",
        };
        foreach (var (name, refusal) in refusals)
        {
            var build = Cli("build", $"h-{name}", "--stack", "hostile");
            Assert.True(build.ExitCode == 1, $"{name}: exit {build.ExitCode}\n{build.Stderr}");
            Assert.Contains("error BEA0617: ", build.Stderr, StringComparison.Ordinal);
            Assert.True(build.Stderr.Contains(refusal, StringComparison.Ordinal), build.Stderr);
            Assert.Equal(canaryBefore, Canary());
        }
        var honest = Cli("build", "h-linky", "--stack", "hostile");
        Assert.True(honest.ExitCode == 0, honest.Stderr);

        // Every layer blob of every image the registry holds for these layers, unpacked: no trace of the secret.
        var registry = new RegistryClient(Beacon.Conda.Net.BeaconHttp.Create(), new RegistryCredentials(null));
        var secret = Encoding.UTF8.GetBytes(_secret);
        var scanned = 0;
        foreach (var name in layers)
        {
            var repository = RemoteImage.Parse($"{docker.Registry}/{_namespace}/h-{name}:x");
            foreach (var tag in await registry.ListTagsAsync(repository))
            {
                var (json, _, _) = await registry.GetManifestAsync(repository with { Tag = tag });
                using var manifest = JsonDocument.Parse(json);
                foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
                {
                    var blob = await registry.GetBlobAsync(repository, layer.GetProperty("digest").GetString()!);
                    using var tar = new MemoryStream();
                    await new GZipStream(new MemoryStream(blob), CompressionMode.Decompress).CopyToAsync(tar);
                    Assert.True(tar.ToArray().AsSpan().IndexOf(secret) < 0, $"{name}:{tag} has the canary's secret in {layer.GetProperty("digest")}");
                    scanned++;
                }
            }
        }
        Assert.True(scanned >= 2, $"only {scanned} layer blobs were scanned"); // linky's base layer and its own
    }

    private Dictionary<string, string> Canary() => Directory.GetFiles(_repo.Path_("canary")).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    /// <summary>A .tar.bz2 of random bytes with a record naming its true sha256 and size: the gate passes it, extraction must not.</summary>
    private static void AddGarbageTarBz2(string channel, string fileName)
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(channel, "linux-64", fileName), bytes);
        var repodataPath = Path.Combine(channel, "linux-64", "repodata.json");
        var repodata = JsonNode.Parse(File.ReadAllText(repodataPath))!;
        repodata["packages"]![fileName] = new JsonObject
        {
            ["name"] = "garbage", ["version"] = "1.0", ["build"] = "0", ["build_number"] = 0, ["depends"] = new JsonArray(), ["subdir"] = "linux-64",
            ["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), ["size"] = bytes.Length,
        };
        File.WriteAllText(repodataPath, repodata.ToJsonString());
    }
}
