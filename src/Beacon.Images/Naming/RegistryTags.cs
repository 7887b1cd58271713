using Beacon.Layers.Documents;

namespace Beacon.Images.Naming;

/// <summary>
/// The one tag scheme for every registry. An image's identity tag (content-addressed: the plan's tag for the layer)
/// is written once and never moves — Beacon never pushes another image under it — so a registry may lock it: ECR
/// repositories are <c>IMMUTABLE_WITH_EXCLUSION</c>. The tags that exist to move are excluded from that lock: the stage
/// tags <c>publish</c> moves (<c>&lt;layer&gt;:production</c>, <c>:experimental</c>) and the Dockerfile builder's
/// registry cache (<c>:buildcache</c>). GCP Artifact Registry's immutability is one switch for every tag and ACR's
/// locks are per image, so there Beacon leaves tags mutable and relies on the same rule. Workloads deploy by digest
/// either way.
/// </summary>
public static class RegistryTags
{
    public const string BuildCache = "buildcache";

    /// <summary>The tags Beacon moves, in the order registries are told about them.</summary>
    public static IReadOnlyList<string> Movable { get; } = [.. Stages.Names, BuildCache];
}
