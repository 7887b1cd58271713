using Beacon.Layers.Documents;

namespace Beacon.Images.Sizing;

/// <summary>
/// A node pool's machine is the smallest of its family whose <em>allocatable</em> resources hold one pod of the
/// profile (its requests are exactly the profile's CPUs and memory) plus <see cref="DaemonSetCpuMillis"/> and
/// <see cref="DaemonSetMemoryBytes"/> for the system DaemonSets every node runs (kube-proxy, the CNI, log and metrics
/// agents, CSI node plugins, the GPU device plugin). Capacity is not allocatable: each cloud reserves CPU and memory
/// for the kubelet and the system and keeps an eviction threshold free, by its published rules:
/// <list type="bullet">
/// <item>GKE ("Plan GKE node sizes", node allocatable resources): CPU 6% of the first core, 1% of the next, 0.5% of
/// the next 2, 0.25% of any above 4; memory 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the
/// next 112, 2% of any above 128 GiB; eviction threshold 100 MiB.</item>
/// <item>EKS (the EKS-optimized AMI's kubelet configuration): kube-reserved CPU by the same core table as GKE; memory
/// 11 MiB × the node's max pods + 255 MiB; eviction threshold 100 MiB.</item>
/// <item>AKS ("Node resource reservations", AKS 1.29 and later): CPU 60, 100, 140, 180, 260, 420, 740 millicores for
/// 1, 2, 4, 8, 16, 32, 64 cores (a size between two columns takes the larger); memory the smaller of 20 MB × max pods
/// + 50 MB and 25% of the node's memory; eviction threshold 100 MiB.</item>
/// </list>
/// </summary>
public static class NodeSizing
{
    /// <summary>Beacon's stated allowance per node for the system DaemonSets, beside the cloud's own reservations.</summary>
    public const long DaemonSetCpuMillis = 300;

    public const long DaemonSetMemoryBytes = 400L << 20;

    private const long MiB = 1L << 20;
    private const long GiB = 1L << 30;
    private const long EvictionBytes = 100 * MiB;

    /// <summary>The smallest machine of the family that fits, or null when none does (the plan reports it).</summary>
    public static NodeMachine? Machine(CloudTarget cloud, HardwareProfile profile, string platform) =>
        NodeCatalog.Family(cloud, profile, platform).FirstOrDefault(m => Fits(cloud, m, profile));

    public static bool Fits(CloudTarget cloud, NodeMachine machine, HardwareProfile profile)
    {
        var allocatable = Allocatable(cloud, machine);
        return machine.Gpus >= (profile.Gpu?.Count ?? 0)
            && allocatable.CpuMillis >= (long)Math.Ceiling(profile.Cpus * 1000) + DaemonSetCpuMillis
            && allocatable.MemoryBytes >= profile.MemoryBytes + DaemonSetMemoryBytes;
    }

    public static NodeAllocatable Allocatable(CloudTarget cloud, NodeMachine machine) => new(
        machine.Cpus * 1000L - ReservedCpuMillis(cloud, machine.Cpus),
        machine.MemoryBytes - ReservedMemoryBytes(cloud, machine.MemoryBytes, machine.MaxPods) - EvictionBytes);

    /// <summary>The CPU the cloud keeps for the kubelet and the system on a node of <paramref name="cores"/> cores.</summary>
    public static long ReservedCpuMillis(CloudTarget cloud, int cores)
    {
        if (cloud == CloudTarget.Azure)
        {
            (int Cores, long Millis)[] table = [(1, 60), (2, 100), (4, 140), (8, 180), (16, 260), (32, 420), (64, 740)];
            // Past the table's last column, its last step per core continues (conservative: more reserved, not less).
            return table.FirstOrDefault(t => t.Cores >= cores) is { Cores: > 0 } row ? row.Millis : 740 + (cores - 64) * 10;
        }
        // 6% of the first core, 1% of the second, 0.5% of the third and fourth, 0.25% of every core above four.
        var tenthsOfMilli = 600L * Math.Min(cores, 1) + 100L * Math.Clamp(cores - 1, 0, 1) + 50L * Math.Clamp(cores - 2, 0, 2) + 25L * Math.Max(cores - 4, 0);
        return (tenthsOfMilli + 9) / 10;
    }

    /// <summary>The memory the cloud keeps for the kubelet and the system (the eviction threshold not included).</summary>
    public static long ReservedMemoryBytes(CloudTarget cloud, long memoryBytes, int maxPods) => cloud switch
    {
        CloudTarget.Aws => 11 * MiB * maxPods + 255 * MiB,
        CloudTarget.Azure => Math.Min(20_000_000L * maxPods + 50_000_000L, memoryBytes / 4),
        _ => Tiered(memoryBytes),
    };

    private static long Tiered(long memoryBytes)
    {
        (long UpTo, double Share)[] tiers = [(4 * GiB, 0.25), (8 * GiB, 0.20), (16 * GiB, 0.10), (128 * GiB, 0.06), (long.MaxValue, 0.02)];
        double reserved = 0;
        long below = 0;
        foreach (var (upTo, share) in tiers)
        {
            reserved += Math.Max(0, Math.Min(memoryBytes, upTo) - below) * share;
            below = upTo;
        }
        return (long)Math.Ceiling(reserved);
    }
}
