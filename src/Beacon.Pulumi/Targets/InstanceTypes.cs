using Beacon.Images.Sizing;
using Beacon.Layers.Documents;

namespace Beacon.Pulumi.Targets;

/// <summary>
/// Each cloud's machine type for a node pool: the smallest of the profile's family whose allocatable resources hold the
/// profile's pod and the per-node DaemonSets (<see cref="NodeSizing"/>, where the providers' rules are cited). The plan
/// reports a pool no machine fits before a program is written, so here one always does.
/// </summary>
public static class InstanceTypes
{
    public static string Aws(HardwareProfile p, string platform = Conda.Specs.Subdirs.Linux64) => Name(CloudTarget.Aws, p, platform);

    public static string Gcp(HardwareProfile p, string platform = Conda.Specs.Subdirs.Linux64) => Name(CloudTarget.Gcp, p, platform);

    public static string Azure(HardwareProfile p, string platform = Conda.Specs.Subdirs.Linux64) => Name(CloudTarget.Azure, p, platform);

    private static string Name(CloudTarget cloud, HardwareProfile p, string platform) => NodeSizing.Machine(cloud, p, platform)?.Name
        ?? throw new InvalidOperationException($"no {cloud.ToText()} machine fits profile '{p.Name}' on {platform}; the plan should have reported it");

    /// <summary>GKE accelerator type for a GPU kind (nvidia-tesla-t4, nvidia-a100 → nvidia-tesla-a100).</summary>
    public static string GcpAccelerator(string kind) => kind switch
    {
        "nvidia-a100" => "nvidia-tesla-a100",
        "nvidia-h100" => "nvidia-h100-80gb",
        _ => kind,
    };

    /// <summary>
    /// How many accelerators a GKE pool's nodes carry: an N1 machine takes the profile's count attached; A2, A3 and G2
    /// machines come with theirs, and the node config must name all of them.
    /// </summary>
    public static int GcpAcceleratorCount(HardwareProfile p, string platform) =>
        NodeSizing.Machine(CloudTarget.Gcp, p, platform) is { } m && !m.Name.StartsWith("n1-", StringComparison.Ordinal) ? m.Gpus : p.Gpu?.Count ?? 0;

    /// <summary>The EKS node image for a pool.</summary>
    public static string AwsAmi(HardwareProfile p, string platform) => (IsArm(platform), p.HasGpu) switch
    {
        (true, true) => "AL2023_ARM_64_NVIDIA",
        (true, false) => "AL2023_ARM_64_STANDARD",
        (false, true) => "AL2023_x86_64_NVIDIA",
        _ => "AL2023_x86_64_STANDARD",
    };

    private static bool IsArm(string platform) => platform == Conda.Specs.Subdirs.LinuxAarch64;
}
