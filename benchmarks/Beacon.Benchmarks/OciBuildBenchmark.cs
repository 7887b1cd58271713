using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.Text;
using Beacon.Conda.Channels;
using Beacon.Conda.Packages;
using Beacon.Docker.Building;
using Beacon.Docker.Engine;
using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Oci.Building;
using Beacon.Oci.Registry;

namespace Beacon.Benchmarks;

/// <summary>
/// `oci-build`: the three-layer subtree of Beacon's test channel (core → tools → app) built by the OCI builder from a
/// warm package cache into fresh repositories (install + layer + push, median of 5), the bytes each layer uploads, a
/// rebuild; then the same plan through the Dockerfile builder on the engine with the stand-in micromamba (which
/// installs nothing real: its figure is the floor of a daemon build, not a like-for-like install). Needs
/// scripts/services.sh up and its env sourced.
/// </summary>
public static class OciBuildBenchmark
{
    public static async Task<int> RunAsync()
    {
        if (TestRegistry.Address() is not { } registryHost)
        {
            return 1;
        }
        var repo = FixtureChannels.FindRepositoryRoot();
        var root = Path.Combine(Path.GetTempPath(), "beacon-bench-oci");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, true);
        }
        using var docker = DockerClient.Connect();
        await TestRegistry.PushBaseAsync(docker, registryHost);
        await BuildStandInAsync(docker, Path.Combine(repo, "tests", "Beacon.Integration.Tests", "StandIn", "micromamba"), "beacon-bench/micromamba-standin:1");
        // Roots name their base in a registry: `lock` pins the digest the tag names there (issue 20 item 4).
        await docker.TagAsync("beacon-bench/micromamba-standin:1", $"{registryHost}/beacon-bench/micromamba-standin", "1");
        await docker.PushAsync($"{registryHost}/beacon-bench/micromamba-standin", "1", null, null);
        var standIn = $"{registryHost}/beacon-bench/micromamba-standin:1";
        using var pinHttp = new HttpClient();
        var pins = BaseImageDigests.From(new RegistryClient(pinHttp, new RegistryCredentials(null)));

        Write(root, "beacon.yaml", $"channels:\n  beacon-test: {Path.Combine(repo, "tests", "fixtures", "conda", "beacon-test-channel")}\n");
        Write(root, "layers/core.yaml", $"name: core\nplatform: linux-64\nbase-image: {registryHost}/localbase/busybox:1\nchannels: [beacon-test]\nstage: production\ndependencies:\n  - python 3.11.*\n  - beacon-greeting\n");
        Write(root, "layers/tools.yaml", "name: tools\nparent: core\nstage: production\ndependencies:\n  - beacon-py\n");
        Write(root, "layers/app.yaml", "name: app\nparent: tools\nstage: production\ndependencies:\n  - beacon-app\n");
        Write(root, "stacks/Pulumi.bench.yaml", $"config:\n  beacon:cloud: local\n  beacon:registry: {registryHost}/bench\n");
        var workspace = WorkspaceLoader.Load(root).Workspace!;
        var locker = new Locker(workspace, new ChannelLoader(null)) { BaseImages = pins };
        locker.Write(await locker.RunAsync(new LockOptions()));
        async Task<StackSession> Into(string registry) => (await StackSessions.OpenAsync(root, "bench",
            new StackOptions { Registry = registry, Builder = ImageBuilderKind.Oci, Commits = _ => new Dictionary<string, string>() })).Session!;
        var session = await Into($"{registryHost}/bench");
        var channels = await ChannelIndex.LoadAsync(session.Workspace, new ChannelLoader(null));
        using var http = new HttpClient();
        var builder = new OciImageBuilder(new RegistryClient(http, new RegistryCredentials(null)), new PackageCache(Path.Combine(root, ".cache"), http));

        var run = Guid.NewGuid().ToString("N")[..6];
        await builder.BuildAsync(await Into($"{registryHost}/warm-{run}"), channels); // fills the package cache
        var times = new List<double>();
        IReadOnlyList<OciBuiltImage> last = [];
        for (var i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            last = await builder.BuildAsync(await Into($"{registryHost}/fresh-{run}-{i}"), channels);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var rebuild = Stopwatch.StartNew();
        var again = await builder.BuildAsync(await Into($"{registryHost}/fresh-{run}-4"), channels);
        var rebuildMs = rebuild.Elapsed.TotalMilliseconds;

        Console.WriteLine("OCI builder, three layers (core: 2 packages, tools: 1, app: 1), warm package cache, into a fresh repository each time:");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  install + layer + push: median {times[2]:F0} ms (min {times[0]:F0}, max {times[4]:F0}) over 5 builds"));
        foreach (var image in last)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {image.Layer,-6} {image.Layers} layers; uploaded {image.BytesUploaded} bytes ({string.Join(", ", image.Pushes.Select(p => $"{p.Kind} {p.BytesSent}"))})"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  rebuild: {rebuildMs:F0} ms, {again.Sum(i => i.BytesUploaded)} bytes uploaded, reused {again.Count(i => i.Reused)} of {again.Count}"));

        // The Dockerfile builder on the same plan, FROM the stand-in micromamba image.
        File.WriteAllText(Path.Combine(root, "layers", "core.yaml"), File.ReadAllText(Path.Combine(root, "layers", "core.yaml")).Replace($"{registryHost}/localbase/busybox:1", standIn, StringComparison.Ordinal));
        var relock = new Locker(WorkspaceLoader.Load(root).Workspace!, new ChannelLoader(null)) { BaseImages = pins };
        relock.Write(await relock.RunAsync(new LockOptions()));
        var dockerTimes = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var plan = (await StackSessions.OpenAsync(root, "bench", new StackOptions { Registry = $"{registryHost}/dockerfile-{run}-{i}", Commits = _ => new Dictionary<string, string>() })).Session!.Plan;
            var sw = Stopwatch.StartNew();
            var results = await new ImageBuilder(docker, null).BuildAsync(plan, null, push: true);
            dockerTimes.Add(sw.Elapsed.TotalMilliseconds);
            if (results.Any(r => r.Outcome is BuildOutcome.Failed or BuildOutcome.Skipped))
            {
                Console.Error.WriteLine(string.Join("\n", results.Select(r => $"{r.Layer}: {r.Outcome} {r.Error}")));
                return 1;
            }
        }
        dockerTimes.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Dockerfile builder (engine, stand-in micromamba), same three layers built and pushed: median {dockerTimes[1]:F0} ms (min {dockerTimes[0]:F0}, max {dockerTimes[2]:F0}) over 3 builds"));
        return 0;
    }

    private static void Write(string root, string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static async Task BuildStandInAsync(DockerClient docker, string standInScript, string tag)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes("FROM localbase/busybox:1\nCOPY micromamba /bin/micromamba\nRUN chmod 0755 /bin/micromamba && mkdir -p /opt/conda /root\n")),
            });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "micromamba") { DataStream = new MemoryStream(File.ReadAllBytes(standInScript)) });
        }
        tar.Position = 0;
        await docker.BuildAsync(tar, tag, new Dictionary<string, string>(), null);
    }
}
