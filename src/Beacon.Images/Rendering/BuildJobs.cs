using System.Text.RegularExpressions;
using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Layers.Validation;

namespace Beacon.Images.Rendering;

/// <summary>
/// Where the in-cluster builds get Beacon and the repository: a container image with the <c>beacon</c> CLI and git,
/// the repository's clone URL (readable from the cluster) and the commit to build, the Secret holding the registry's
/// Docker credentials (type kubernetes.io/dockerconfigjson), the namespace the Jobs run in, and for a private
/// repository the Secret whose key <c>credentials</c> holds git's credential lines (<c>username=…</c>, <c>password=…</c>:
/// a token for an https source).
/// </summary>
public sealed partial record BuildJobOptions(string BeaconImage, string Source, string Commit, string RegistrySecret, string Namespace, string? SourceSecret = null)
{
    public const string DefaultSecret = "beacon-registry";
    public const string DefaultNamespace = "beacon-builds";

    /// <summary>Why an option cannot reach a manifest, or null.</summary>
    public string? Problem() =>
        !Names.IsImageReference(BeaconImage) ? $"--beacon-image '{BeaconImage}' is not an image reference"
        : !SourceUrl().IsMatch(Source) ? $"--source '{Source}' is not a git URL (https://, http://, ssh:// or git@host:path)"
        : !CommitId().IsMatch(Commit) ? $"'{Commit}' is not a commit id"
        : !Names.IsDnsLabel(RegistrySecret) ? $"--registry-secret '{RegistrySecret}' is not a Kubernetes name (a DNS label)"
        : !Names.IsDnsLabel(Namespace) ? $"--namespace '{Namespace}' is not a Kubernetes namespace (a DNS label)"
        : SourceSecret is not null && !Names.IsDnsLabel(SourceSecret) ? $"--source-secret '{SourceSecret}' is not a Kubernetes name (a DNS label)"
        : null;

    [GeneratedRegex(@"\A(?:(?:https?|ssh)://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~-]+)\z")]
    private static partial Regex SourceUrl();

    [GeneratedRegex(@"\A[0-9a-f]{40}(?:[0-9a-f]{24})?\z")]
    private static partial Regex CommitId();
}

/// <summary>
/// The plan's image builds as Kubernetes Jobs (<c>beacon build --emit kubernetes</c>), one per layer, for a cluster
/// the organisation already runs: each pod clones the repository at the commit, waits until the image of the layer's
/// parent in the set is in the registry (<c>beacon build --await</c>: parents first, as <see cref="BuildLevels"/>
/// orders them), then runs the daemonless oci builder for its layer with the registry's credentials from a Secret.
/// A Job's name carries the image's content-addressed tag, so applying the same plan again changes nothing and a
/// changed layer is a new Job; a retried pod reuses what the failed one pushed.
/// </summary>
public static class BuildJobs
{
    private const string Repository = "/work/repository";
    private const string Cache = "/work/cache";
    private const string DockerConfig = "/work/registry";
    private const string SourceCredentials = "/work/source-credentials";

    /// <summary>
    /// git's credential helper for the clone and the checkout (a blobless clone fetches file contents then): it answers
    /// "get" with the Secret's credential lines and ignores "store" and "erase" (the mount is read-only).
    /// </summary>
    public const string CredentialHelper = "!f() { test \"$1\" = get && cat " + SourceCredentials + "/credentials; }; f";

    public static IReadOnlyList<KubernetesObject> For(Plan plan, IReadOnlyCollection<string> layers, BuildJobOptions options)
    {
        if (options.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
        var set = (layers.Count == 0 ? plan.Images.Select(i => i.Layer) : layers).ToHashSet(StringComparer.Ordinal);
        var levels = BuildLevels.Of(plan, set);
        var result = new List<KubernetesObject>
        {
            new("v1", "Namespace", options.Namespace, null,
                new Map().Add("name", options.Namespace).Add("labels", new Map().Add("app.kubernetes.io/managed-by", "beacon")), []),
        };
        for (var level = 0; level < levels.Levels.Count; level++)
        {
            foreach (var layer in levels.Levels[level])
            {
                var image = plan.Images.Single(i => i.Layer == layer);
                var after = BuildLevels.After(plan, set, layer);
                result.Add(Job(plan, image, level, after is null ? null : plan.Images.Single(i => i.Layer == after), options));
            }
        }
        return result;
    }

    /// <summary>The Job's name: <c>build-&lt;layer&gt;-&lt;tag&gt;</c>, cut to a DNS label (the tag's start is kept).</summary>
    public static string NameOf(PlannedImage image)
    {
        var tag = new string(image.Tag.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c)).Take(12).ToArray());
        var prefix = $"build-{image.Layer}";
        var room = Names.MaxLabelLength - tag.Length - 1;
        return (prefix.Length > room ? prefix[..room].TrimEnd('-') : prefix) + "-" + tag;
    }

    private static KubernetesObject Job(Plan plan, PlannedImage image, int level, PlannedImage? after, BuildJobOptions options)
    {
        var name = NameOf(image);
        var labels = new Map()
            .Add("app.kubernetes.io/name", "beacon-build")
            .Add("app.kubernetes.io/component", "image-build")
            .Add("app.kubernetes.io/managed-by", "beacon")
            .Add("beacon.io/layer", image.Layer)
            .Add("beacon.io/build-level", level.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var annotations = new Map().Add("beacon.io/image", image.Reference.ToString()).Add("beacon.io/after", after is null ? null : NameOf(after));
        var beacon = new List<string> { "beacon" };
        var stack = new[] { "--stack", plan.Stack.Name, "--builder", "oci", "--repo", Repository };
        var mounts = new List<object>
        {
            new Map().Add("name", "work").Add("mountPath", "/work"),
            new Map().Add("name", "tmp").Add("mountPath", "/tmp"),
            new Map().Add("name", "registry").Add("mountPath", DockerConfig).Add("readOnly", true),
        };
        var env = new List<object>
        {
            new Map().Add("name", "DOCKER_CONFIG").Add("value", DockerConfig),
            new Map().Add("name", "BEACON_CACHE_DIR").Add("value", Cache),
            new Map().Add("name", "HOME").Add("value", "/work"),
        };
        // Only the containers that talk to the git server see its credentials.
        var gitEnv = options.SourceSecret is null ? env : [.. env,
            new Map().Add("name", "GIT_CONFIG_COUNT").Add("value", "1"),
            new Map().Add("name", "GIT_CONFIG_KEY_0").Add("value", "credential.helper"),
            new Map().Add("name", "GIT_CONFIG_VALUE_0").Add("value", CredentialHelper)];
        var gitMounts = options.SourceSecret is null ? mounts : [.. mounts,
            new Map().Add("name", "source-credentials").Add("mountPath", SourceCredentials).Add("readOnly", true)];
        Map Container(string containerName, IEnumerable<string> command, Map? resources = null, bool git = false) => new Map()
            .Add("name", containerName)
            .Add("image", options.BeaconImage)
            .Add("command", command.Select(Escape.Kubernetes).ToList())
            .Add("env", git ? gitEnv : env)
            .Add("volumeMounts", git ? gitMounts : mounts)
            .Add("resources", resources ?? new Map().Add("requests", new Map().Add("cpu", "100m").Add("memory", "128Mi")))
            .Add("securityContext", new Map().Add("allowPrivilegeEscalation", false).Add("readOnlyRootFilesystem", true));
        var init = new List<object>
        {
            // A blobless clone keeps the history the image tags are computed from (the commit that last changed each lock).
            Container("clone", ["git", "clone", "--filter=blob:none", "--no-checkout", "--", options.Source, Repository], git: true),
            Container("checkout", ["git", "-C", Repository, "checkout", "--detach", options.Commit], git: true),
        };
        if (after is not null)
        {
            init.Add(Container("await-parent", [.. beacon, "build", after.Layer, .. stack, "--await", "3600"]));
        }
        var pod = new Map()
            .Add("restartPolicy", "Never")
            .Add("securityContext", new Map().Add("runAsNonRoot", true).Add("runAsUser", 10001).Add("fsGroup", 10001))
            .Add("initContainers", init)
            .Add("containers", new List<object>
            {
                Container("build", [.. beacon, "build", image.Layer, .. stack],
                    new Map().Add("requests", new Map().Add("cpu", "1").Add("memory", "2Gi")).Add("limits", new Map().Add("memory", "8Gi"))),
            })
            .Add("volumes", new List<object?>
            {
                new Map().Add("name", "work").Add("emptyDir", new Map()),
                new Map().Add("name", "tmp").Add("emptyDir", new Map()),
                new Map().Add("name", "registry").Add("secret", new Map().Add("secretName", options.RegistrySecret)
                    .Add("items", new List<object> { new Map().Add("key", ".dockerconfigjson").Add("path", "config.json") })),
                options.SourceSecret is null ? null : new Map().Add("name", "source-credentials").Add("secret", new Map().Add("secretName", options.SourceSecret)
                    .Add("items", new List<object> { new Map().Add("key", "credentials").Add("path", "credentials") })),
            }.OfType<object>().ToList());
        return new KubernetesObject("batch/v1", "Job", name, options.Namespace,
            new Map().Add("name", name).Add("namespace", options.Namespace).Add("labels", labels).Add("annotations", annotations),
            new Map()
                .Add("backoffLimit", 3)
                .Add("activeDeadlineSeconds", 4 * 3600)
                .Add("ttlSecondsAfterFinished", 7 * 24 * 3600)
                .Add("template", new Map().Add("metadata", new Map().Add("labels", labels)).Add("spec", pod)));
    }
}
