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
    }

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
