using Beacon.Docker.Engine;
using Beacon.Layers.Documents;

namespace Beacon.Docker.Running;

/// <summary>A command to run in an image on the local engine, with the hardware profile's CPUs and memory as limits.</summary>
public sealed record ContainerRun(
    string Image,
    IReadOnlyList<string> Command,
    HardwareProfile Hardware,
    IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyList<string>? Binds = null,
    IReadOnlyList<int>? LoopbackPorts = null,
    IReadOnlyList<string>? Env = null,
    IReadOnlyDictionary<string, string>? Tmpfs = null);

/// <summary>
/// Runs one container in the foreground the way <c>docker run --rm</c> does: output streamed to the caller's
/// streams as it comes, the exit code returned, the container removed whatever happened (also on cancellation, when
/// it is killed first). Used by <c>beacon run</c> and <c>beacon kernel launch</c>.
/// </summary>
public sealed class ContainerRunner(DockerClient client)
{
    public async Task<long> RunAsync(ContainerRun run, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var ports = run.LoopbackPorts ?? [];
        var spec = new ContainerCreate(run.Image, [.. run.Command],
            Labels: run.Labels,
            Env: run.Env,
            ExposedPorts: ports.Count == 0 ? null : ports.ToDictionary(p => $"{p}/tcp", _ => new EmptyObject()),
            HostConfig: new HostConfig(
                Binds: run.Binds,
                // Published on loopback only, as a local stack publishes workload ports.
                PortBindings: ports.Count == 0 ? null : ports.ToDictionary(p => $"{p}/tcp", p => (IReadOnlyList<PortBinding>)[new PortBinding("127.0.0.1", p.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
                // A CFS quota rather than NanoCpus: the engine refuses NanoCpus above its host's CPU count, and a
                // profile written for a cloud node may ask for more than a laptop has.
                CpuPeriod: 100_000,
                CpuQuota: (long)(run.Hardware.Cpus * 100_000),
                Memory: run.Hardware.MemoryBytes,
                DeviceRequests: run.Hardware.Gpu is { Count: > 0 } gpu ? [new DeviceRequest("nvidia", gpu.Count, [["gpu"]])] : null,
                Tmpfs: run.Tmpfs));
        var id = await client.CreateContainerAsync(spec, cancellationToken);
        try
        {
            await client.StartContainerAsync(id, cancellationToken);
            var logs = client.FollowLogsAsync(id, stdout, stderr, cancellationToken);
            var exit = await client.WaitContainerAsync(id, cancellationToken);
            await logs;
            return exit;
        }
        catch (OperationCanceledException)
        {
            try
            {
                await client.KillContainerAsync(id, CancellationToken.None);
            }
            catch (DockerApiException)
            {
                // It had stopped already.
            }
            throw;
        }
        finally
        {
            await client.RemoveContainerAsync(id, CancellationToken.None);
        }
    }
}
