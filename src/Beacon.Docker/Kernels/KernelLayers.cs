using Beacon.Images.Planning;
using Beacon.Layers.Locking;

namespace Beacon.Docker.Kernels;

/// <summary>Which layers can run a Jupyter kernel: the one rule <c>kernels install</c> and <c>kernel launch</c> apply.</summary>
public static class KernelLayers
{
    /// <summary>Why the layer's image cannot run a kernel (its lock has no ipykernel, with the command that adds it), or null.</summary>
    public static string? Lacks(StackSession session, string layer) => Lacks(session.Locks, layer);

    /// <summary>The same rule over locks already read (the gate's).</summary>
    public static string? Lacks(IReadOnlyDictionary<string, StoredLock> locks, string layer) =>
        locks.TryGetValue(layer, out var stored) && stored.Lock is { } locked && locked.Named(KernelSpec.KernelPackage).Count > 0
            ? null
            : $"layer '{layer}' cannot run a kernel: its lock has no {KernelSpec.KernelPackage} (the kernel runs python3 -m ipykernel_launcher); add it: beacon add {layer} {KernelSpec.KernelPackage}";
}
