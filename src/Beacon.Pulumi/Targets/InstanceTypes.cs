using Beacon.Images.Rendering;
using Beacon.Layers.Documents;

namespace Beacon.Pulumi.Targets;

/// <summary>
/// Each cloud's machine type for a hardware profile: the smallest general-purpose size with at least the profile's
/// CPUs and memory, or the cloud's machine family for the profile's GPU kind; on linux-aarch64 the cloud's Arm family
/// (AWS Graviton m7g and, with a GPU, g5g; GCP Tau T2A; Azure Dpsv5 — GCP and Azure offer no Arm GPU machine).
/// </summary>
public static class InstanceTypes
{
    private static int Size(HardwareProfile p) => new[] { 2, 4, 8, 16, 32, 48, 64 }.First(c => c >= p.Cpus && c * 4 * (1L << 30) >= p.MemoryBytes || c == 64);

    public static string Aws(HardwareProfile p, string platform = Conda.Specs.Subdirs.Linux64) => IsArm(platform)
        ? p.HasGpu ? (Size(p) <= 4 ? "g5g.xlarge" : Size(p) <= 8 ? "g5g.2xlarge" : "g5g.4xlarge")
            : Size(p) switch { 2 => "m7g.large", 4 => "m7g.xlarge", 8 => "m7g.2xlarge", 16 => "m7g.4xlarge", 32 => "m7g.8xlarge", _ => "m7g.16xlarge" }
        : p.Gpu?.Kind switch
    {
        "nvidia-a100" => "p4d.24xlarge",
        "nvidia-h100" => "p5.48xlarge",
        "nvidia-l4" => "g6.2xlarge",
        { } => Size(p) <= 4 ? "g4dn.xlarge" : Size(p) <= 8 ? "g4dn.2xlarge" : "g4dn.4xlarge",
        null => Size(p) switch { 2 => "m6i.large", 4 => "m6i.xlarge", 8 => "m6i.2xlarge", 16 => "m6i.4xlarge", 32 => "m6i.8xlarge", _ => "m6i.16xlarge" },
    };

    public static string Gcp(HardwareProfile p, string platform = Conda.Specs.Subdirs.Linux64) => IsArm(platform)
        ? p.HasGpu ? throw NoArmGpu("GCP", p) : $"t2a-standard-{Math.Min(Size(p), 48)}"
        : p.Gpu?.Kind switch
    {
        "nvidia-a100" => "a2-highgpu-1g",
        "nvidia-h100" => "a3-highgpu-8g",
        "nvidia-l4" => "g2-standard-8",
        { } => $"n1-standard-{Math.Min(Size(p), 32)}",
        null => $"e2-standard-{Size(p)}",
    };

    /// <summary>GKE accelerator type for a GPU kind (nvidia-tesla-t4, nvidia-a100 → nvidia-tesla-a100).</summary>
    public static string GcpAccelerator(string kind) => kind switch
    {
        "nvidia-a100" => "nvidia-tesla-a100",
        "nvidia-h100" => "nvidia-h100-80gb",
        _ => kind,
    };

    public static string Azure(HardwareProfile p, string platform = Conda.Specs.Subdirs.Linux64) => IsArm(platform)
        ? p.HasGpu ? throw NoArmGpu("Azure", p) : $"Standard_D{Size(p)}ps_v5"
        : p.Gpu?.Kind switch
    {
        "nvidia-a100" => "Standard_NC24ads_A100_v4",
        "nvidia-h100" => "Standard_NC40ads_H100_v5",
        { } => Size(p) <= 4 ? "Standard_NC4as_T4_v3" : Size(p) <= 8 ? "Standard_NC8as_T4_v3" : "Standard_NC16as_T4_v3",
        null => $"Standard_D{Size(p)}s_v5",
    };

    /// <summary>The EKS node image for a pool.</summary>
    public static string AwsAmi(HardwareProfile p, string platform) => (IsArm(platform), p.HasGpu) switch
    {
        (true, true) => "AL2023_ARM_64_NVIDIA",
        (true, false) => "AL2023_ARM_64_STANDARD",
        (false, true) => "AL2023_x86_64_NVIDIA",
        _ => "AL2023_x86_64_STANDARD",
    };

    private static bool IsArm(string platform) => platform == Conda.Specs.Subdirs.LinuxAarch64;

    private static NotSupportedException NoArmGpu(string cloud, HardwareProfile p) =>
        new($"{cloud} has no Arm machine with a GPU (profile '{p.Name}' on linux-aarch64)");
}
