namespace Beacon.Layers.Documents;

/// <summary>An accelerator request: how many GPUs of which kind (e.g. nvidia-tesla-t4, nvidia-a100).</summary>
public sealed record GpuSpec(int Count, string Kind);

/// <summary>
/// A class of nodes a workload needs: CPUs, memory (Kubernetes quantity such as 16Gi) and optionally GPUs. Each
/// cloud target maps a profile to an instance type; stacks may override or add profiles.
/// </summary>
public sealed record HardwareProfile(string Name, double Cpus, string Memory, GpuSpec? Gpu = null)
{
    public bool HasGpu => Gpu is { Count: > 0 };

    /// <summary>The memory quantity in bytes, as an engine limit takes it.</summary>
    public long MemoryBytes => BytesOf(Memory);

    /// <summary>A quantity validated when it was read (<see cref="ByteQuantity"/>) in bytes.</summary>
    public static long BytesOf(string quantity) => ByteQuantity.BytesOf(quantity);

    /// <summary>Defaults every repository has; stacks and beacon.yaml override them by name.</summary>
    public static IReadOnlyDictionary<string, HardwareProfile> Defaults { get; } = new SortedDictionary<string, HardwareProfile>(StringComparer.Ordinal)
    {
        ["cpu"] = new("cpu", 2, "8Gi"),
        ["cpu-large"] = new("cpu-large", 8, "32Gi"),
        ["gpu"] = new("gpu", 8, "30Gi", new GpuSpec(1, "nvidia-tesla-t4")),
        ["gpu-a100"] = new("gpu-a100", 12, "85Gi", new GpuSpec(1, "nvidia-a100")),
    };

    public const string DefaultName = "cpu";
}
