using Beacon.Images.Sizing;
using Beacon.Layers.Documents;

namespace Beacon.Images.Tests.Sizing;

/// <summary>
/// Node sizing against the providers' published rules: first their own worked examples (so the formulas are theirs,
/// not ours), then every hardware profile on every cloud and platform: the chosen machine's allocatable holds the
/// profile's pod and the per-node DaemonSet allowance, and the next smaller machine of the family does not (the
/// choice is the smallest that fits). The table of choices is pinned so a change shows.
/// </summary>
public class NodeSizingTests
{
    private const long MiB = 1L << 20;
    private const long GiB = 1L << 30;

    [Fact]
    public void The_reservations_reproduce_the_providers_worked_examples()
    {
        // AKS, "Node resource reservations": an 8 GB VM taking 30 pods reserves 20 MB × 30 + 50 MB = 650 MB; a 4 GB VM
        // taking 70 pods reserves 25% of 4 GB = 1,000 MB (less than 1,450 MB).
        Assert.Equal(650_000_000, NodeSizing.ReservedMemoryBytes(CloudTarget.Azure, 8_000_000_000, 30));
        Assert.Equal(1_000_000_000, NodeSizing.ReservedMemoryBytes(CloudTarget.Azure, 4_000_000_000, 70));
        Assert.Equal(new long[] { 60, 100, 140, 180, 260, 420, 740 }, new[] { 1, 2, 4, 8, 16, 32, 64 }.Select(c => NodeSizing.ReservedCpuMillis(CloudTarget.Azure, c)));
        // GKE: a 150 GiB node reserves 25% of 4 + 20% of 4 + 10% of 8 + 6% of 112 + 2% of 22 GiB = 9.76 GiB, and with the
        // 100 MiB eviction threshold 9.8577 GiB (the GKE allocatable-memory calculator's example).
        var reserved = NodeSizing.ReservedMemoryBytes(CloudTarget.Gcp, 150 * GiB, 110) + 100 * MiB;
        Assert.Equal(9.8577, Math.Round(reserved / (double)GiB, 4));
        // GKE and EKS CPU: 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% above four.
        Assert.Equal(new long[] { 60, 70, 80, 90, 110, 150 }, new[] { 1, 2, 4, 8, 16, 32 }.Select(c => NodeSizing.ReservedCpuMillis(CloudTarget.Gcp, c)));
        // EKS: an m5.large takes 29 pods: kube-reserved memory 11 MiB × 29 + 255 MiB = 574 MiB, CPU 70m.
        Assert.Equal(574 * MiB, NodeSizing.ReservedMemoryBytes(CloudTarget.Aws, 8 * GiB, 29));
        Assert.Equal(70, NodeSizing.ReservedCpuMillis(CloudTarget.Aws, 2));
    }

    private static readonly string[] Platforms = ["linux-64", "linux-aarch64"];

    public static TheoryData<string, string, string> EveryProfile()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var cloud in new[] { "aws", "gcp", "azure" })
        {
            foreach (var profile in HardwareProfile.Defaults.Keys.Append("cpu-small"))
            {
                foreach (var platform in Platforms)
                {
                    data.Add(cloud, profile, platform);
                }
            }
        }
        return data;
    }

    private static HardwareProfile Profile(string name) => name == "cpu-small" ? new HardwareProfile("cpu-small", 0.5, "1Gi") : HardwareProfile.Defaults[name];

    [Theory]
    [MemberData(nameof(EveryProfile))]
    public void Every_profile_gets_the_smallest_machine_whose_allocatable_holds_its_pod(string cloudName, string profileName, string platform)
    {
        Assert.True(CloudTargets.TryParse(cloudName, out var cloud));
        var profile = Profile(profileName);
        var family = NodeCatalog.Family(cloud, profile, platform);
        var machine = NodeSizing.Machine(cloud, profile, platform);
        if (machine is null)
        {
            // GCP and Azure sell no Arm GPU machine; AWS's Arm GPU family (g5g) holds no A100 profile: the plan
            // reports such a pool instead of making nodes its pods cannot use.
            Assert.DoesNotContain(family, m => NodeSizing.Fits(cloud, m, profile));
            return;
        }
        var allocatable = NodeSizing.Allocatable(cloud, machine);
        Assert.True(allocatable.CpuMillis >= profile.Cpus * 1000 + NodeSizing.DaemonSetCpuMillis, $"{machine.Name}: {allocatable.CpuMillis}m CPU");
        Assert.True(allocatable.MemoryBytes >= profile.MemoryBytes + NodeSizing.DaemonSetMemoryBytes, $"{machine.Name}: {allocatable.MemoryBytes / (double)GiB:F2} GiB");
        Assert.True(machine.Gpus >= (profile.Gpu?.Count ?? 0));
        var index = family.ToList().IndexOf(machine);
        Assert.True(index == 0 || !NodeSizing.Fits(cloud, family[index - 1], profile), $"{family[Math.Max(0, index - 1)].Name} would hold it too");
    }

    [Fact]
    public void The_choices_for_the_built_in_profiles()
    {
        var lines = EveryProfile().Select(row => (string)row[0] + " " + (string)row[1] + " " + (string)row[2] + ": " +
            (CloudTargets.TryParse((string)row[0], out var cloud) && NodeSizing.Machine(cloud, Profile((string)row[1]), (string)row[2]) is { } m
                ? $"{m.Name} (allocatable {NodeSizing.Allocatable(cloud, m).CpuMillis}m, {NodeSizing.Allocatable(cloud, m).MemoryBytes / (double)GiB:F2} GiB)"
                : "none"));
        Beacon.TestSupport.Snapshot.Match(string.Join("\n", lines) + "\n", "node-machines");
    }

    [Fact]
    public void A_profile_no_machine_holds_is_none()
    {
        var huge = new HardwareProfile("huge", 300, "4000Gi");
        Assert.Null(NodeSizing.Machine(CloudTarget.Aws, huge, "linux-64"));
        // The cpu profile on a 2 vCPU / 8 GiB machine: capacity equals the requests, allocatable does not hold them.
        Assert.False(NodeSizing.Fits(CloudTarget.Aws, NodeCatalog.Family(CloudTarget.Aws, HardwareProfile.Defaults["cpu"], "linux-64")[0], HardwareProfile.Defaults["cpu"]));
    }
}
