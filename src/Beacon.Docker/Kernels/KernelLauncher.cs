using Beacon.Docker.Engine;
using Beacon.Docker.Running;
using Beacon.Images.Planning;

namespace Beacon.Docker.Kernels;

/// <summary>
/// <c>beacon kernel launch</c>: the kernel Jupyter asked for, in the layer's image on the local engine. The
/// connection file (a copy listening on 0.0.0.0) is mounted read-only, its five ports published on 127.0.0.1, and
/// <c>python3 -m ipykernel_launcher -f</c> started in the foreground on a copy in a private tmpfs (ipykernel rewrites
/// its connection file with mode 0600, which a bind-mounted file cannot take); when Jupyter shuts the kernel down the
/// container ends and is removed. A SIGKILL to this process cannot be caught and leaves its container running; Jupyter
/// then deletes the kernel's connection file, so every launch first removes the kernel containers whose connection
/// file is gone (label <c>io.beacon.kernel-connection</c>).
/// </summary>
public sealed class KernelLauncher(DockerClient client, PlannedImageLocator locator)
{
    public const string MountPath = "/run/beacon-kernel-in/connection.json";

    /// <summary>The kernel's own folder in the container (a tmpfs; also its HOME, so IPython has a writable profile).</summary>
    public const string RuntimeFolder = "/run/beacon-kernel";

    /// <summary>A fixed line: no value from the user or the connection file reaches it.</summary>
    public static readonly IReadOnlyList<string> Command =
        ["sh", "-c", $"cp {MountPath} {RuntimeFolder}/connection.json && exec python3 -m ipykernel_launcher -f {RuntimeFolder}/connection.json"];

    /// <returns>The kernel's exit code; null when the layer's image is not built.</returns>
    public async Task<long?> LaunchAsync(StackSession session, string layer, string connectionFile, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var connection = ConnectionFile.Read(connectionFile);
        await RemoveOrphansAsync(cancellationToken);
        var image = session.Plan.Images.Single(i => i.Layer == layer);
        if (await locator.LocateAsync(session.Plan, image, cancellationToken) is not { } located)
        {
            return null;
        }
        // A private folder for the copy (it holds the HMAC key); the file itself must be readable by the image's user.
        var folder = Directory.CreateTempSubdirectory("beacon-kernel-");
        try
        {
            var copy = Path.Combine(folder.FullName, "connection.json");
            File.WriteAllText(copy, connection.ContainerJson);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
            var hardware = session.Workspace.HardwareFor(session.Stack)[session.Workspace.Tree[layer].Hardware?.Value ?? Layers.Documents.HardwareProfile.DefaultName];
            return await new ContainerRunner(client).RunAsync(new ContainerRun(located.Reference, Command, hardware,
                new Dictionary<string, string> { [KernelLabel] = layer, ["io.beacon.layer"] = layer, [ConnectionLabel] = Path.GetFullPath(connectionFile) },
                [$"{copy}:{MountPath}:ro"], connection.Ports, [$"HOME={RuntimeFolder}"],
                new Dictionary<string, string> { [RuntimeFolder] = "mode=1777,size=16m" }), stdout, stderr, cancellationToken);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    public const string KernelLabel = "io.beacon.kernel";
    public const string ConnectionLabel = "io.beacon.kernel-connection";

    /// <summary>Kernel containers whose Jupyter is gone (their connection file was deleted): left by a killed launcher.</summary>
    public async Task<IReadOnlyList<string>> RemoveOrphansAsync(CancellationToken cancellationToken = default)
    {
        var removed = new List<string>();
        foreach (var c in await client.ListContainersAsync(new Dictionary<string, string> { [ConnectionLabel] = "" }, cancellationToken))
        {
            if (c.Labels?.GetValueOrDefault(ConnectionLabel) is { Length: > 0 } path && Path.IsPathFullyQualified(path) && !File.Exists(path))
            {
                await client.RemoveContainerAsync(c.Id, cancellationToken);
                removed.Add(c.Id);
            }
        }
        return removed;
    }
}
