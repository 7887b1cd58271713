using System.Globalization;
using Beacon.Images.Planning;


namespace Beacon.Images.Rendering;

/// <summary>
/// A Compose project per workload group for the local Docker engine: one isolated network per group, ports
/// published on 127.0.0.1 only, GPU reservations for GPU profiles, and a TCP healthcheck for services with ports.
/// </summary>
public static class Compose
{
    public static string For(Plan plan, string group)
    {
        var services = new Map();
        foreach (var w in plan.Workloads.Where(w => w.Group == group && w.Kind != Layers.Documents.WorkloadKind.CronJob))
        {
            var service = new Map()
                .Add("image", w.Image.ToString())
                .Add("platform", w.Platform == Conda.Specs.Subdirs.Linux64 ? null : Planning.Platforms.Oci(w.Platform))
                .Add("command", WorkloadObjects.Command(w).ToList())
                .Add("environment", Environment(w))
                .Add("ports", KernelServer.Ports(w).Count == 0 ? null : KernelServer.Ports(w).Select(p => $"127.0.0.1:{p}:{p}").ToList())
                .Add("networks", new List<object> { group })
                .Add("restart", w.Kind == Layers.Documents.WorkloadKind.Job ? "no" : "unless-stopped");
            if (KernelServer.Ports(w).Count > 0)
            {
                var port = KernelServer.Ports(w)[0].ToString(CultureInfo.InvariantCulture);
                service.Add("healthcheck", new Map()
                    .Add("test", new List<object> { "CMD", "python", "-c", $"import socket; socket.create_connection(('127.0.0.1', {port}), 2)" })
                    .Add("interval", "10s").Add("timeout", "3s").Add("retries", 3));
            }
            service.Add("deploy", new Map().Add("replicas", w.Replicas).Add("resources", Resources(w.Hardware)));
            services.Add(w.Name, service);
        }
        return Yaml.Write(new Map()
            .Add("name", group)
            .Add("services", services)
            .Add("networks", new Map().Add(group, new Map().Add("name", $"beacon-{group}"))), Escape.Compose);
    }

    /// <summary>
    /// A developer workspace as its own Compose project (<c>workspace-&lt;name&gt;</c>): Jupyter Server in their layer
    /// on <see cref="PlannedWorkspace.Port"/> of 127.0.0.1, with the hardware's limits, the token from the shell, and
    /// a named volume for their home (made writable for the image's user by a one-shot service first).
    /// </summary>
    public static string ForWorkspace(PlannedWorkspace ws)
    {
        var w = KernelServer.AsWorkload(ws);
        var volume = $"home:{KernelServer.WorkspaceHome}";
        var init = new Map()
            .Add("image", ws.Image.ToString())
            .Add("user", "0")
            .Add("entrypoint", new List<object> { "chown", "10001:10001", KernelServer.WorkspaceHome })
            .Add("volumes", new List<object> { volume })
            .Add("network_mode", "none")
            .Add("restart", "no");
        var env = new Map()
            .Add(KernelServer.TokenVariable, TokenFromShell("the workspace"))
            .Add("HOME", KernelServer.WorkspaceHome);
        var jupyter = new Map()
            .Add("image", ws.Image.ToString())
            .Add("command", KernelServer.Command(w, KernelServer.WorkspaceHome).ToList())
            .Add("environment", env)
            .Add("ports", new List<object> { $"127.0.0.1:{ws.Port.ToString(CultureInfo.InvariantCulture)}:{KernelServer.DefaultPort.ToString(CultureInfo.InvariantCulture)}" })
            .Add("volumes", new List<object> { volume })
            .Add("healthcheck", new Map()
                .Add("test", new List<object> { "CMD", "python3", "-c", $"import socket; socket.create_connection(('127.0.0.1', {KernelServer.DefaultPort.ToString(CultureInfo.InvariantCulture)}), 2)" })
                .Add("interval", "10s").Add("timeout", "3s").Add("retries", 3))
            .Add("depends_on", new Map().Add("home", new Map().Add("condition", "service_completed_successfully")))
            .Add("restart", "unless-stopped")
            .Add("deploy", new Map().Add("resources", Resources(ws.Hardware)));
        return Yaml.Write(new Map()
            .Add("name", ws.ObjectName)
            .Add("services", new Map().Add("home", init).Add("jupyter", jupyter))
            .Add("volumes", new Map().Add("home", new Map().Add("name", $"beacon-{ws.ObjectName}"))), Escape.Compose);
    }

    /// <summary>
    /// Compose takes the Jupyter token from the shell that starts the project, and refuses to start without one: the
    /// only '$' interpolation Beacon writes on purpose, the one place a value is meant to come from outside.
    /// </summary>
    private static Raw TokenFromShell(string what) =>
        new($"{TokenFromShellMarker}export {KernelServer.TokenVariable} (the token Jupyter asks for) before starting {what}}}");

    /// <summary>How a compose file Beacon writes begins a value taken from the shell's token (and refused without one).</summary>
    public const string TokenFromShellMarker = "${" + KernelServer.TokenVariable + ":?";

    private static Map Resources(Layers.Documents.HardwareProfile hardware)
    {
        var resources = new Map().Add("limits", new Map().Add("cpus", hardware.Cpus.ToString("0.###", CultureInfo.InvariantCulture)).Add("memory", ComposeMemory(hardware.Memory)));
        if (hardware.Gpu is { Count: > 0 } gpu)
        {
            resources.Add("reservations", new Map().Add("devices", new List<object>
            {
                new Map().Add("driver", "nvidia").Add("count", gpu.Count).Add("capabilities", new List<object> { "gpu" }),
            }));
        }
        return resources;
    }

    private static Map? Environment(PlannedWorkload w)
    {
        var env = new Map();
        foreach (var (k, v) in w.Env)
        {
            env.Add(k, v);
        }
        if (w.Kind == Layers.Documents.WorkloadKind.Kernel)
        {
            env.Add(KernelServer.TokenVariable, TokenFromShell("the stack"));
            env.Add("HOME", "/tmp");
        }
        return env.Count == 0 ? null : env;
    }

    /// <summary>Compose wants 8g / 512m rather than Kubernetes' 8Gi / 512Mi.</summary>
    private static string ComposeMemory(string quantity) =>
        // Docker's units (go-units RAMInBytes: k m g t p) are powers of 1024: Ki..Pi keep their number; anything else
        // (decimal k/M/G, exponents, Ei) becomes its exact byte count, so that 1.5G is 1500000000 bytes, not 1.5 GiB.
        quantity.Length > 2 && quantity[^1] == 'i' && quantity[^2] is 'K' or 'M' or 'G' or 'T' or 'P' && !quantity.Contains('.', StringComparison.Ordinal)
            ? quantity[..^1].ToLowerInvariant()
            : Layers.Documents.ByteQuantity.BytesOf(quantity).ToString(CultureInfo.InvariantCulture);
}
