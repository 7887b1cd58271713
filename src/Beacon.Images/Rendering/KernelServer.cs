using System.Globalization;
using Beacon.Images.Planning;
using Beacon.Layers.Documents;

namespace Beacon.Images.Rendering;

/// <summary>
/// A <c>kernel</c> workload on a stack: a Jupyter Server in its layer (the layer needs <c>jupyter_server</c>), which
/// JupyterLab and VS Code reach as a "remote/existing Jupyter server". Its token comes from a secret the platform
/// engineer creates — a Kubernetes Secret <c>&lt;workload&gt;-jupyter-token</c> (key <c>token</c>), or the
/// <c>JUPYTER_TOKEN</c> variable of the shell that starts a local stack — and never appears in a generated file.
/// </summary>
public static class KernelServer
{
    public const int DefaultPort = 8888;
    public const string TokenVariable = "JUPYTER_TOKEN";
    public const string TokenKey = "token";

    public static int Port(PlannedWorkload w) => w.Ports.Count > 0 ? w.Ports[0] : DefaultPort;

    /// <summary>The workload's ports: a kernel without any serves Jupyter on 8888.</summary>
    public static IReadOnlyList<int> Ports(PlannedWorkload w) => w.Kind == WorkloadKind.Kernel && w.Ports.Count == 0 ? [DefaultPort] : w.Ports;

    public static string TokenSecret(PlannedWorkload w) => $"{w.Name}-jupyter-token";

    /// <summary>Jupyter Server on all interfaces of the container; HOME and the root folder in /tmp (the image's user has no home).</summary>
    public static IReadOnlyList<string> Command(PlannedWorkload w, string root = "/tmp") =>
        ["jupyter", "server", "--ip=0.0.0.0", $"--port={Port(w).ToString(CultureInfo.InvariantCulture)}", "--no-browser",
         "--ServerApp.allow_remote_access=True", $"--ServerApp.root_dir={root}"];

    /// <summary>Where a developer workspace keeps its files (its volume) and its HOME.</summary>
    public const string WorkspaceHome = "/home/beacon";

    /// <summary>A workspace as the kernel workload it resembles: a Jupyter Server on 8888 in its layer, on its hardware.</summary>
    public static PlannedWorkload AsWorkload(PlannedWorkspace ws, HardwareProfile? hardware = null) =>
        new(ws.ObjectName, WorkloadKind.Kernel, ws.Layer, ws.Image, hardware ?? ws.Hardware, [], 1, null, [DefaultPort],
            new Dictionary<string, string>(), PlannedWorkspace.Namespace) { Platform = ws.Platform };

    /// <summary>How to reach the server from a laptop: what to run, and the URL for VS Code's or Jupyter's "remote server".</summary>
    public static IReadOnlyList<string> Connection(Plan plan, PlannedWorkload w, string? localToken)
    {
        var port = Port(w);
        if (plan.Stack.Cloud == CloudTarget.Local)
        {
            return
            [
                $"# {w.Name} runs on the local engine (beacon up --stack {plan.Stack.Name}), with the token that was in {TokenVariable} then",
                $"http://127.0.0.1:{port}/?token={localToken ?? "$" + TokenVariable}",
            ];
        }
        var cluster = plan.Stack.Cluster;
        var context = cluster.Context ?? cluster.Name;
        var kubectl = "kubectl" + (cluster.Kubeconfig is { } k ? $" --kubeconfig {k}" : "") + (context is { } c ? $" --context {c}" : "") + $" -n {w.Group}";
        var target = $"svc/{w.Name}"; // a kernel always has a Service: it serves at least Jupyter's port
        return
        [
            $"# once: the token Jupyter asks for, as a Kubernetes Secret (never in Beacon's files)",
            $"{kubectl} create secret generic {TokenSecret(w)} --from-literal={TokenKey}=\"$(openssl rand -hex 24)\"",
            $"# each session: forward the port, read the token",
            $"{kubectl} port-forward {target} {port}:{port}",
            $"{kubectl} get secret {TokenSecret(w)} -o jsonpath='{{.data.{TokenKey}}}' | base64 -d",
            $"# paste into VS Code (Jupyter: Existing Jupyter Server) or JupyterLab's remote server field:",
            $"http://127.0.0.1:{port}/?token=<token>",
        ];
    }
}
