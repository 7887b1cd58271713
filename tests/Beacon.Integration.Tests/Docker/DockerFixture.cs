using Beacon.Conda.Channels;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Oci.Registry;
using System.Formats.Tar;
using System.Text;
using Beacon.Docker.Engine;
using Beacon.TestSupport;

namespace Beacon.Integration.Tests.Docker;

/// <summary>
/// A real Docker engine and registry (scripts/services.sh up, its environment sourced). Without them the tests are
/// skipped with the reason — unless BEACON_REQUIRE_DOCKER=1 (CI), which turns a missing service into a failure
/// (<see cref="TestServices"/>).
/// </summary>
public sealed class DockerFixture : IAsyncLifetime
{
    /// <summary>The base image with the stand-in micromamba (see StandIn/micromamba).</summary>
    public const string StandInBaseImage = "beacon-test/micromamba-standin:1";

    public DockerClient? Client { get; private set; }
    public string? Unavailable { get; private set; }
    /// <summary>The open test registry (host:port); without the services, the address they would use (for names only).</summary>
    public string Registry => TestServices.Registry ?? "127.0.0.1:15000";

    public static bool Required => TestServices.Required;

    public async Task InitializeAsync()
    {
        if (TestServices.EnvironmentMissing is { } missing)
        {
            Unavailable = missing;
            return;
        }
        var client = DockerClient.Connect();
        try
        {
            await client.PingAsync();
        }
        catch (DockerUnavailableException e)
        {
            Unavailable = $"no Docker engine: {e.Message}";
            client.Dispose();
            return;
        }
        Client = client;
        var baseImage = TestServices.BaseImage;
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            Add(writer, "Dockerfile", $"FROM {baseImage}\nCOPY micromamba /bin/micromamba\nRUN chmod 0755 /bin/micromamba && mkdir -p /opt/conda /root\n");
            Add(writer, "micromamba", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "StandIn", "micromamba")));
        }
        tar.Position = 0;
        await client.BuildAsync(tar, StandInBaseImage, new Dictionary<string, string>(), null);
        // Root layers name their base image in a registry: `beacon lock` pins the digest the tag names there, and
        // builds are FROM that pin. The engine's own images are pushed to the test registry once.
        foreach (var (image, repository) in new[] { (StandInBaseImage, "beacon-test/micromamba-standin"), (baseImage, "localbase/busybox") })
        {
            await client.TagAsync(image, $"{Registry}/{repository}", "1");
            await client.PushAsync($"{Registry}/{repository}", "1", null, null);
        }
    }

    /// <summary>The stand-in micromamba base in the test registry, as root layers name it.</summary>
    public string StandInBase => $"{Registry}/beacon-test/micromamba-standin:1";

    /// <summary>A base image without micromamba (busybox), in the test registry.</summary>
    public string BusyboxBase => $"{Registry}/localbase/busybox:1";

    /// <summary>A Locker that pins root base images through the test registry, as `beacon lock` does.</summary>
    public static Locker Locker(Workspace workspace) => new(workspace, new ChannelLoader(null))
    {
        BaseImages = BaseImageDigests.From(new RegistryClient(SharedHttp, new RegistryCredentials(null))),
    };

    private static readonly HttpClient SharedHttp = new();

    private static void Add(TarWriter writer, string name, string text) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });

    /// <summary>Skips (or, in CI, fails) when no engine is available.</summary>
    public DockerClient Require()
    {
        if (Client is null)
        {
            TestServices.Need(Unavailable ?? "no Docker engine");
        }
        return Client!;
    }

    /// <summary>Runs a command in a fresh container of <paramref name="image"/> and returns its exit code and output.</summary>
    public async Task<(long Exit, string Output)> RunAsync(string image, params string[] command)
    {
        var client = Require();
        var id = await client.CreateContainerAsync(new ContainerCreate(image, command));
        try
        {
            await client.StartContainerAsync(id);
            var exit = await client.WaitContainerAsync(id);
            var (stdout, stderr) = await client.ContainerLogsAsync(id);
            return (exit, stdout + stderr);
        }
        finally
        {
            await client.RemoveContainerAsync(id);
        }
    }

    public Task DisposeAsync()
    {
        Client?.Dispose();
        return Task.CompletedTask;
    }
}
