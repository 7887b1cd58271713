using Beacon.Layers.Documents;

namespace Beacon.Images.Sizing;

/// <summary>
/// The machine families Beacon's node pools use on each cloud, smallest first, by what a hardware profile needs:
/// general purpose (AWS m6i, GCP e2/n2, Azure Dsv5), Arm (AWS Graviton m7g and g5g, GCP Tau T2A, Azure Dpsv5 — GCP
/// and Azure sell no Arm machine with a GPU), and the GPU family of the profile's GPU kind. Sizes and GPU counts are
/// the providers' published machine specifications; AWS's pods per node are the VPC CNI's ENI formula
/// (amazon-vpc-cni-k8s misc/eni-max-pods.txt: ENIs × (IPv4 per ENI − 1) + 2), which the EKS AMI gives the kubelet.
/// GKE nodes take 110 pods (its default); AKS node pools are created with maxPods 110 (set in the program).
/// </summary>
public static class NodeCatalog
{
    private const long GiB = 1L << 30;
    private const long GB = 1_000_000_000;

    /// <summary>The pods per node Beacon sets on GKE (its default) and on AKS node pools.</summary>
    public const int KubernetesMaxPods = 110;

    private static NodeMachine Aws(string name, int cpus, int gib, int maxPods, int gpus = 0) => new(name, cpus, gib * GiB, gpus, maxPods);
    private static NodeMachine Gcp(string name, int cpus, double gb, int gpus = 0) => new(name, cpus, (long)(gb * GB), gpus, KubernetesMaxPods);
    private static NodeMachine Azure(string name, int cpus, int gib, int gpus = 0) => new(name, cpus, gib * GiB, gpus, KubernetesMaxPods);

    // AWS: large 3 ENIs × 10 IPs → 29 pods; xlarge/2xlarge 4 × 15 → 58; 4xlarge–12xlarge 8 × 30 → 234; 16xlarge 15 × 50 → 737.
    private static readonly NodeMachine[] AwsGeneral =
    [
        Aws("m6i.large", 2, 8, 29), Aws("m6i.xlarge", 4, 16, 58), Aws("m6i.2xlarge", 8, 32, 58), Aws("m6i.4xlarge", 16, 64, 234),
        Aws("m6i.8xlarge", 32, 128, 234), Aws("m6i.12xlarge", 48, 192, 234), Aws("m6i.16xlarge", 64, 256, 737),
    ];

    private static readonly NodeMachine[] AwsArm =
    [
        Aws("m7g.large", 2, 8, 29), Aws("m7g.xlarge", 4, 16, 58), Aws("m7g.2xlarge", 8, 32, 58), Aws("m7g.4xlarge", 16, 64, 234),
        Aws("m7g.8xlarge", 32, 128, 234), Aws("m7g.12xlarge", 48, 192, 234), Aws("m7g.16xlarge", 64, 256, 737),
    ];

    private static readonly NodeMachine[] AwsArmGpu = [Aws("g5g.xlarge", 4, 8, 58, 1), Aws("g5g.2xlarge", 8, 16, 58, 1), Aws("g5g.4xlarge", 16, 32, 234, 1), Aws("g5g.8xlarge", 32, 64, 234, 1)];
    private static readonly NodeMachine[] AwsT4 = [Aws("g4dn.xlarge", 4, 16, 29, 1), Aws("g4dn.2xlarge", 8, 32, 29, 1), Aws("g4dn.4xlarge", 16, 64, 29, 1), Aws("g4dn.8xlarge", 32, 128, 58, 1), Aws("g4dn.12xlarge", 48, 192, 234, 4)];
    private static readonly NodeMachine[] AwsL4 = [Aws("g6.xlarge", 4, 16, 58, 1), Aws("g6.2xlarge", 8, 32, 58, 1), Aws("g6.4xlarge", 16, 64, 234, 1), Aws("g6.8xlarge", 32, 128, 234, 1), Aws("g6.12xlarge", 48, 192, 234, 4)];
    private static readonly NodeMachine[] AwsA100 = [Aws("p4d.24xlarge", 96, 1152, 737, 8)];
    private static readonly NodeMachine[] AwsH100 = [Aws("p5.48xlarge", 192, 2048, 737, 8)];

    private static readonly NodeMachine[] GcpGeneral =
    [
        Gcp("e2-standard-2", 2, 8), Gcp("e2-standard-4", 4, 16), Gcp("e2-standard-8", 8, 32), Gcp("e2-standard-16", 16, 64),
        Gcp("e2-standard-32", 32, 128), Gcp("n2-standard-48", 48, 192), Gcp("n2-standard-64", 64, 256),
    ];

    private static readonly NodeMachine[] GcpArm =
    [
        Gcp("t2a-standard-2", 2, 8), Gcp("t2a-standard-4", 4, 16), Gcp("t2a-standard-8", 8, 32), Gcp("t2a-standard-16", 16, 64),
        Gcp("t2a-standard-32", 32, 128), Gcp("t2a-standard-48", 48, 192),
    ];

    // N1 machines take T4s as attached accelerators (count from the profile); the others come with their GPUs.
    private static readonly NodeMachine[] GcpN1 = [Gcp("n1-standard-4", 4, 15, 4), Gcp("n1-standard-8", 8, 30, 4), Gcp("n1-standard-16", 16, 60, 4), Gcp("n1-standard-32", 32, 120, 4), Gcp("n1-standard-64", 64, 240, 4)];
    private static readonly NodeMachine[] GcpL4 = [Gcp("g2-standard-4", 4, 16, 1), Gcp("g2-standard-8", 8, 32, 1), Gcp("g2-standard-12", 12, 48, 1), Gcp("g2-standard-16", 16, 64, 1), Gcp("g2-standard-32", 32, 128, 1), Gcp("g2-standard-48", 48, 192, 4)];
    private static readonly NodeMachine[] GcpA100 = [Gcp("a2-highgpu-1g", 12, 85, 1), Gcp("a2-highgpu-2g", 24, 170, 2), Gcp("a2-highgpu-4g", 48, 340, 4), Gcp("a2-highgpu-8g", 96, 680, 8)];
    private static readonly NodeMachine[] GcpH100 = [Gcp("a3-highgpu-8g", 208, 1872, 8)];

    private static readonly NodeMachine[] AzureGeneral =
    [
        Azure("Standard_D2s_v5", 2, 8), Azure("Standard_D4s_v5", 4, 16), Azure("Standard_D8s_v5", 8, 32), Azure("Standard_D16s_v5", 16, 64),
        Azure("Standard_D32s_v5", 32, 128), Azure("Standard_D48s_v5", 48, 192), Azure("Standard_D64s_v5", 64, 256),
    ];

    private static readonly NodeMachine[] AzureArm =
    [
        Azure("Standard_D2ps_v5", 2, 8), Azure("Standard_D4ps_v5", 4, 16), Azure("Standard_D8ps_v5", 8, 32), Azure("Standard_D16ps_v5", 16, 64),
        Azure("Standard_D32ps_v5", 32, 128), Azure("Standard_D48ps_v5", 48, 192), Azure("Standard_D64ps_v5", 64, 208),
    ];

    private static readonly NodeMachine[] AzureT4 = [Azure("Standard_NC4as_T4_v3", 4, 28, 1), Azure("Standard_NC8as_T4_v3", 8, 56, 1), Azure("Standard_NC16as_T4_v3", 16, 110, 1), Azure("Standard_NC64as_T4_v3", 64, 440, 4)];
    private static readonly NodeMachine[] AzureA100 = [Azure("Standard_NC24ads_A100_v4", 24, 220, 1), Azure("Standard_NC48ads_A100_v4", 48, 440, 2), Azure("Standard_NC96ads_A100_v4", 96, 880, 4)];
    private static readonly NodeMachine[] AzureH100 = [Azure("Standard_NC40ads_H100_v5", 40, 320, 1), Azure("Standard_NC80adis_H100_v5", 80, 640, 2)];

    /// <summary>The family a pool of <paramref name="profile"/> on <paramref name="platform"/> is made from, smallest first (none: the cloud sells no such machine).</summary>
    public static IReadOnlyList<NodeMachine> Family(CloudTarget cloud, HardwareProfile profile, string platform)
    {
        var arm = platform == Conda.Specs.Subdirs.LinuxAarch64;
        var kind = profile.HasGpu ? profile.Gpu!.Kind : null;
        return (cloud, arm, kind) switch
        {
            (CloudTarget.Aws, true, null) => AwsArm,
            (CloudTarget.Aws, true, _) => AwsArmGpu,
            (CloudTarget.Aws, false, null) => AwsGeneral,
            (CloudTarget.Aws, false, "nvidia-a100") => AwsA100,
            (CloudTarget.Aws, false, "nvidia-h100") => AwsH100,
            (CloudTarget.Aws, false, "nvidia-l4") => AwsL4,
            (CloudTarget.Aws, false, _) => AwsT4,
            (CloudTarget.Gcp, true, null) => GcpArm,
            (CloudTarget.Gcp, false, null) => GcpGeneral,
            (CloudTarget.Gcp, false, "nvidia-a100") => GcpA100,
            (CloudTarget.Gcp, false, "nvidia-h100") => GcpH100,
            (CloudTarget.Gcp, false, "nvidia-l4") => GcpL4,
            (CloudTarget.Gcp, false, _) => GcpN1,
            (CloudTarget.Azure, true, null) => AzureArm,
            (CloudTarget.Azure, false, null) => AzureGeneral,
            (CloudTarget.Azure, false, "nvidia-a100") => AzureA100,
            (CloudTarget.Azure, false, "nvidia-h100") => AzureH100,
            (CloudTarget.Azure, false, _) => AzureT4,
            _ => [],
        };
    }
}
