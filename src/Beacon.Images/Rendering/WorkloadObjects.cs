using System.Globalization;
using Beacon.Images.Planning;

using Beacon.Layers.Documents;

namespace Beacon.Images.Rendering;

/// <summary>A Kubernetes object for a workload: used as Pulumi resource properties and as a manifest file.</summary>
public sealed record KubernetesObject(string ApiVersion, string Kind, string Name, string? Namespace, Map Metadata, Map Spec)
{
    /// <summary>The Pulumi type token (kubernetes:apps/v1:Deployment).</summary>
    public string PulumiType => ApiVersion.Contains('/', StringComparison.Ordinal)
        ? $"kubernetes:{ApiVersion.Split('/')[0]}/{ApiVersion.Split('/')[1]}:{Kind}"
        : $"kubernetes:core/{ApiVersion}:{Kind}";

    public Map Manifest() => new Map().Add("apiVersion", ApiVersion).Add("kind", Kind).Add("metadata", Metadata).Add("spec", Spec.Count == 0 ? null : Spec);
}

/// <summary>
/// The Kubernetes objects of a plan: a namespace per workload group, and per workload a Deployment (+ Service when it
/// has ports), a Job or a CronJob, with standard labels, the profile's node selector, GPU tolerations and resources.
/// </summary>
public static class WorkloadObjects
{
    public const string HardwareLabel = "beacon.io/hardware";

    /// <param name="plan">The stack's plan.</param>
    /// <param name="image">How a workload's container names its image; by default the planned reference. A cloud
    /// target whose registry is created by the stack passes the registry's output instead.</param>
    public static IReadOnlyList<KubernetesObject> For(Plan plan, Func<PlannedWorkload, object>? image = null)
    {
        var result = new List<KubernetesObject>();
        foreach (var group in plan.Namespaces)
        {
            result.Add(new KubernetesObject("v1", "Namespace", group, null,
                new Map().Add("name", group).Add("labels", new Map().Add("app.kubernetes.io/managed-by", "beacon").Add("app.kubernetes.io/part-of", group)), []));
        }
        foreach (var w in plan.Workloads)
        {
            var labels = Labels(w);
            var selector = new Map().Add("app.kubernetes.io/name", w.Name).Add("app.kubernetes.io/instance", $"{w.Group}-{w.Name}");
            var metadata = new Map().Add("name", w.Name).Add("namespace", w.Group).Add("labels", labels);
            var template = new Map().Add("metadata", new Map().Add("labels", labels)).Add("spec", PodSpec(w, w.Kind is WorkloadKind.Job or WorkloadKind.CronJob ? "Never" : "Always", image?.Invoke(w) ?? w.Image.ToString()));
            switch (w.Kind)
            {
                case WorkloadKind.Service:
                case WorkloadKind.Kernel:
                    result.Add(new KubernetesObject("apps/v1", "Deployment", w.Name, w.Group, metadata,
                        new Map().Add("replicas", w.Replicas).Add("selector", new Map().Add("matchLabels", selector)).Add("template", template)));
                    if (KernelServer.Ports(w).Count > 0)
                    {
                        result.Add(new KubernetesObject("v1", "Service", w.Name, w.Group, metadata,
                            new Map().Add("selector", selector).Add("ports", KernelServer.Ports(w).Select(p => new Map()
                                .Add("name", "p" + p.ToString(CultureInfo.InvariantCulture)).Add("port", p).Add("targetPort", p)).ToList())));
                    }
                    break;
                case WorkloadKind.Job:
                    result.Add(new KubernetesObject("batch/v1", "Job", w.Name, w.Group, metadata,
                        new Map().Add("backoffLimit", 2).Add("template", template)));
                    break;
                case WorkloadKind.CronJob:
                    result.Add(new KubernetesObject("batch/v1", "CronJob", w.Name, w.Group, metadata,
                        new Map().Add("schedule", w.Schedule).Add("concurrencyPolicy", "Forbid")
                            .Add("jobTemplate", new Map().Add("spec", new Map().Add("backoffLimit", 2).Add("template", template)))));
                    break;
            }
        }
        foreach (var ws in plan.Workspaces)
        {
            result.AddRange(Workspace(plan, ws, image is null ? null : image(KernelServer.AsWorkload(ws))));
        }
        return result;
    }

    /// <summary>
    /// A developer workspace: a PersistentVolumeClaim for their home, a Deployment (one replica, recreated so the
    /// volume is never mounted twice) running Jupyter Server in their layer, and a Service for port-forwarding.
    /// </summary>
    private static IEnumerable<KubernetesObject> Workspace(Plan plan, PlannedWorkspace ws, object? image)
    {
        var w = KernelServer.AsWorkload(ws);
        var labels = Labels(w).Add("beacon.io/developer", ws.Name);
        var selector = new Map().Add("app.kubernetes.io/name", w.Name).Add("app.kubernetes.io/instance", $"{w.Group}-{w.Name}");
        var claim = $"{ws.ObjectName}-home";
        yield return new KubernetesObject("v1", "PersistentVolumeClaim", claim, w.Group,
            new Map().Add("name", claim).Add("namespace", w.Group).Add("labels", Labels(w).Add("beacon.io/developer", ws.Name)),
            new Map().Add("accessModes", new List<object> { "ReadWriteOnce" }).Add("resources", new Map().Add("requests", new Map().Add("storage", ws.Storage))));
        // A developer's own resources are no node pool's profile: the pod is placed by its requests alone.
        var pooled = plan.NodePools.Any(p => p.Name == w.Pool && p.Profile == ws.Hardware);
        var spec = PodSpec(w, "Always", image ?? w.Image.ToString(), claim, pooled);
        var metadata = new Map().Add("name", w.Name).Add("namespace", w.Group).Add("labels", labels);
        yield return new KubernetesObject("apps/v1", "Deployment", w.Name, w.Group, metadata,
            new Map().Add("replicas", 1).Add("strategy", new Map().Add("type", "Recreate")).Add("selector", new Map().Add("matchLabels", selector))
                .Add("template", new Map().Add("metadata", new Map().Add("labels", labels)).Add("spec", spec)));
        yield return new KubernetesObject("v1", "Service", w.Name, w.Group, metadata,
            new Map().Add("selector", selector).Add("ports", new List<object> { new Map().Add("name", "p8888").Add("port", KernelServer.DefaultPort).Add("targetPort", KernelServer.DefaultPort) }));
    }

    private static Map Labels(PlannedWorkload w) => new Map()
        .Add("app.kubernetes.io/name", w.Name)
        .Add("app.kubernetes.io/instance", $"{w.Group}-{w.Name}")
        .Add("app.kubernetes.io/component", w.Kind.ToText())
        .Add("app.kubernetes.io/part-of", w.Group)
        .Add("app.kubernetes.io/managed-by", "beacon")
        .Add("beacon.io/layer", w.Layer);

    /// <summary>The workload's command; a kernel that gives none runs a Jupyter Server (<see cref="KernelServer"/>).</summary>
    public static IReadOnlyList<string> Command(PlannedWorkload w) => w.Command.Count > 0 ? w.Command : KernelServer.Command(w);

    private static Map PodSpec(PlannedWorkload w, string restartPolicy, object image, string? homeClaim = null, bool pooled = true)
    {
        var requests = new Map().Add("cpu", Quantity(w.Hardware.Cpus)).Add("memory", w.Hardware.Memory);
        var limits = new Map().Add("memory", w.Hardware.Memory);
        if (w.Hardware.Gpu is { Count: > 0 } gpu)
        {
            limits.Add("nvidia.com/gpu", gpu.Count.ToString(CultureInfo.InvariantCulture));
        }
        var container = new Map()
            .Add("name", w.Name)
            .Add("image", image)
            .Add("command", (homeClaim is null ? Command(w) : KernelServer.Command(w, KernelServer.WorkspaceHome)).Select(Escape.Kubernetes).ToList())
            .Add("env", Env(w, homeClaim is null ? "/tmp" : KernelServer.WorkspaceHome))
            .Add("ports", KernelServer.Ports(w).Count == 0 ? null : KernelServer.Ports(w).Select(p => new Map().Add("containerPort", p)).ToList())
            .Add("resources", new Map().Add("requests", requests).Add("limits", limits))
            .Add("volumeMounts", homeClaim is null ? null : new List<object> { new Map().Add("name", "home").Add("mountPath", KernelServer.WorkspaceHome) });
        return new Map()
            .Add("restartPolicy", restartPolicy)
            // fsGroup: the home volume is writable by the image's user.
            .Add("securityContext", new Map().Add("runAsNonRoot", true).Add("runAsUser", 10001).Add("fsGroup", homeClaim is null ? null : 10001))
            .Add("nodeSelector", NodeSelector(w, pooled))
            .Add("tolerations", Tolerations(w))
            .Add("containers", new List<object> { container })
            .Add("volumes", homeClaim is null ? null : new List<object> { new Map().Add("name", "home").Add("persistentVolumeClaim", new Map().Add("claimName", homeClaim)) });
    }

    /// <summary>Its pool's nodes; on another architecture than amd64 also that architecture (nodes label it themselves).</summary>
    private static Map? NodeSelector(PlannedWorkload w, bool pooled)
    {
        var selector = new Map();
        if (pooled)
        {
            selector.Add(HardwareLabel, w.Pool);
        }
        if (w.Platform != Conda.Specs.Subdirs.Linux64)
        {
            selector.Add("kubernetes.io/arch", Platforms.Architecture(w.Platform));
        }
        return selector.Count == 0 ? null : selector;
    }

    /// <summary>GPU nodes' taint; arm nodes' arch taint (GKE taints its Arm nodes so that amd64-only pods stay off).</summary>
    private static List<object>? Tolerations(PlannedWorkload w)
    {
        var tolerations = new List<object>();
        if (w.Hardware.HasGpu)
        {
            tolerations.Add(new Map().Add("key", "nvidia.com/gpu").Add("operator", "Exists").Add("effect", "NoSchedule"));
        }
        if (w.Platform != Conda.Specs.Subdirs.Linux64)
        {
            tolerations.Add(new Map().Add("key", "kubernetes.io/arch").Add("operator", "Equal").Add("value", Platforms.Architecture(w.Platform)).Add("effect", "NoSchedule"));
        }
        return tolerations.Count == 0 ? null : tolerations;
    }

    private static List<object>? Env(PlannedWorkload w, string home)
    {
        var env = w.Env.Select(kv => (object)new Map().Add("name", kv.Key).Add("value", Escape.Kubernetes(kv.Value))).ToList();
        if (w.Kind == WorkloadKind.Kernel)
        {
            // The Jupyter token from a Secret the platform engineer creates; the pod does not start without it.
            env.Add(new Map().Add("name", KernelServer.TokenVariable).Add("valueFrom", new Map().Add("secretKeyRef",
                new Map().Add("name", KernelServer.TokenSecret(w)).Add("key", KernelServer.TokenKey))));
            env.Add(new Map().Add("name", "HOME").Add("value", Escape.Kubernetes(home)));
        }
        return env.Count == 0 ? null : env;
    }

    private static string Quantity(double cpus) => cpus >= 1 && cpus == Math.Floor(cpus)
        ? ((int)cpus).ToString(CultureInfo.InvariantCulture)
        : ((int)(cpus * 1000)).ToString(CultureInfo.InvariantCulture) + "m";
}
