using System.Security.Cryptography;
using System.Text;
using Beacon.Conda.Locks;
using Beacon.Images.Naming;
using Beacon.Layers.Validation;

namespace Beacon.Images.Building;

/// <summary>
/// The files of one layer's image build: its Dockerfile, the explicit lock it installs and, when the layer lists pip
/// requirements, the requirements file pip installs after it.
/// </summary>
public sealed record BuildContext(string Layer, string? Parent, string Tag, string Dockerfile, string LockFileName, string LockText, string From,
    string? PipFileName = null, string? PipText = null)
{
    /// <summary>Changes whenever the Dockerfile template changes, so every image is rebuilt with the new template.</summary>
    public const string TemplateVersion = "beacon-dockerfile-2";

    /// <summary>The build argument a child's Dockerfile takes its parent image from.</summary>
    public const string ParentImageArg = "BEACON_PARENT_IMAGE";

    /// <summary>Every file of the context by name (the Dockerfile first), as written to disk and sent to an engine.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Files =>
        PipFileName is null
            ? [new("Dockerfile", Dockerfile), new(LockFileName, LockText)]
            : [new("Dockerfile", Dockerfile), new(LockFileName, LockText), new(PipFileName, PipText!)];

    /// <summary>
    /// The content-addressed tag: a hash of what defines the image — the parent's tag (or the base image), the
    /// lock's bytes, the template version, and the pip requirements when there are any. An unchanged layer keeps its
    /// tag and is never rebuilt; a changed one gets a new tag and so do its descendants (their parent tag changed).
    /// </summary>
    public static string ComputeTag(string parentTagOrBaseImage, string lockText, IReadOnlyList<string>? pip = null) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{TemplateVersion}\n{parentTagOrBaseImage}\n{lockText}" + (pip is { Count: > 0 } ? "\npip:\n" + string.Concat(pip.Select(p => p + "\n")) : ""))))[..20];

    /// <summary>The root image: FROM the base image (which has micromamba), install the full lock.</summary>
    public static BuildContext ForRoot(string layer, string baseImage, ExplicitLock lockFile, string lockText, string sourceCommit, IReadOnlyList<string>? pip = null)
    {
        Guard(layer, baseImage, sourceCommit, pip);
        var tag = ComputeTag(baseImage, lockText, pip);
        var lockName = $"{layer}.lock";
        var pipName = pip is { Count: > 0 } ? $"{layer}.pip.txt" : null;
        return new BuildContext(layer, null, tag, Render(baseImage, layer, null, lockName, Beacon.Layers.Locking.LayerLock.Sha256Of(lockText), sourceCommit, lockFile.Packages.Count, pipName),
            lockName, lockText, baseImage, pipName, RequirementsText(pip));
    }

    /// <summary>A child image: FROM the parent's content-addressed image, install only the records the parent lacks.</summary>
    public static BuildContext ForChild(string layer, ImageReference parentImage, ExplicitLock lockFile, ExplicitLock parentLock, string lockText, string sourceCommit,
        IReadOnlyList<string>? pip = null)
    {
        Guard(layer, parentImage.ToString(), sourceCommit, pip);
        var inherited = parentLock.Packages.Select(p => p.DistString).ToHashSet(StringComparer.Ordinal);
        var delta = lockFile with { Packages = lockFile.Packages.Where(p => !inherited.Contains(p.DistString)).ToList(), Metadata = [new("layer", layer), new("delta-of", parentImage.Repository)] };
        var deltaText = delta.Write();
        var tag = ComputeTag(parentImage.Tag, lockText, pip);
        var lockName = $"{layer}.delta.lock";
        var pipName = pip is { Count: > 0 } ? $"{layer}.pip.txt" : null;
        return new BuildContext(layer, parentImage.Repository, tag,
            Render(parentImage.ToString(), layer, parentImage.Repository, lockName, Beacon.Layers.Locking.LayerLock.Sha256Of(lockText), sourceCommit, delta.Packages.Count, pipName),
            lockName, deltaText, parentImage.ToString(), pipName, RequirementsText(pip));
    }

    private static string? RequirementsText(IReadOnlyList<string>? pip) => pip is { Count: > 0 } ? string.Concat(pip.Select(p => p + "\n")) : null;

    /// <summary>Every value that reaches the Dockerfile or a file pip reads is checked against its grammar first (defence in depth).</summary>
    private static void Guard(string layer, string image, string commit, IReadOnlyList<string>? pip)
    {
        if (!Names.IsDnsLabel(layer))
        {
            throw new ArgumentException($"'{layer}' is not a valid layer name");
        }
        if (!Names.IsImageReference(image))
        {
            throw new ArgumentException($"'{image}' is not a valid image reference");
        }
        if (commit.Length is 0 or > 64 || !commit.All(c => char.IsAsciiHexDigitLower(c) || c == '-' || char.IsAsciiLetterLower(c)))
        {
            throw new ArgumentException($"'{commit}' is not a commit id");
        }
        if (pip?.FirstOrDefault(p => PipRequirements.Check(p) is not null) is { } bad)
        {
            throw new ArgumentException($"'{bad}' is not a pip requirement Beacon installs");
        }
    }

    private static string Render(string from, string layer, string? parent, string lockName, string lockSha, string commit, int packages, string? pipName)
    {
        // The lock is COPY'd, never interpolated into a shell line; micromamba verifies each package's sha256 from it.
        // No BuildKit-only syntax (COPY --chmod, a syntax directive that pulls a frontend image): the template must
        // build on the classic builder of Docker Engine 20.10 as well, and offline.
        var sb = new StringBuilder();
        sb.Append("# Generated by Beacon (").Append(TemplateVersion).Append("): do not edit. Layer '").Append(layer).Append("', ")
          .Append(packages).Append(parent is null ? " packages.\n" : $" packages added to '{parent}'.\n");
        if (parent is null)
        {
            sb.Append("FROM ").Append(from).Append('\n');
        }
        else
        {
            // The parent's image by its content-addressed tag; a deployment passes the pushed ref (digest) instead.
            sb.Append("ARG BEACON_PARENT_IMAGE=").Append(from).Append('\n');
            sb.Append("FROM ${BEACON_PARENT_IMAGE}\n");
        }
        sb.Append("LABEL org.opencontainers.image.title=\"").Append(layer).Append("\" \\\n");
        sb.Append("      org.opencontainers.image.revision=\"").Append(commit).Append("\" \\\n");
        sb.Append("      io.beacon.layer=\"").Append(layer).Append("\" \\\n");
        sb.Append("      io.beacon.parent=\"").Append(parent ?? "").Append("\" \\\n");
        sb.Append("      io.beacon.lock-sha256=\"").Append(lockSha).Append("\"\n");
        sb.Append("USER root\n");
        sb.Append("COPY ").Append(lockName).Append(" /opt/beacon/").Append(lockName).Append('\n');
        sb.Append("RUN micromamba install --yes --name base --file /opt/beacon/").Append(lockName)
          .Append(" && micromamba clean --all --yes && rm -rf /root/.cache /tmp/*\n");
        if (pipName is not null)
        {
            // pip requirements are recorded, not solved: pip installs them from its index after the conda records,
            // without dependencies, so it cannot replace a conda package (list what they need in the layer).
            sb.Append("COPY ").Append(pipName).Append(" /opt/beacon/").Append(pipName).Append('\n');
            sb.Append("RUN micromamba run --name base python -m pip install --no-deps --no-cache-dir --requirement /opt/beacon/")
              .Append(pipName).Append(" && rm -rf /root/.cache /tmp/*\n");
        }
        sb.Append("USER 10001:10001\n");
        return sb.ToString();
    }
}
