namespace Beacon.Images.Sizing;

/// <summary>
/// One machine type a node pool can use: its vCPUs, memory, GPUs, and how many pods its nodes take (which decides part
/// of the memory the cloud reserves). Memory is in bytes as the cloud sells it: AWS and Azure list GiB, GCP lists "GB"
/// and is read as decimal gigabytes here, the smaller reading.
/// </summary>
public sealed record NodeMachine(string Name, int Cpus, long MemoryBytes, int Gpus, int MaxPods);

/// <summary>What the kubelet offers pods on a node: capacity less the cloud's reservations and eviction threshold.</summary>
public sealed record NodeAllocatable(long CpuMillis, long MemoryBytes);
