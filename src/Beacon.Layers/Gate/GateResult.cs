using Beacon.Layers.Diagnostics;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Layers.Routing;

namespace Beacon.Layers.Gate;

/// <summary>
/// A workspace after the gate: the locks it read (each read once; planning and routing reuse them) and what it found.
/// Passed means every lock is current and intact and every workload is placed: no errors (warnings, such as an unused
/// policy exception, are shown and do not fail).
/// </summary>
public sealed record GateResult(Workspace Workspace, IReadOnlyDictionary<string, StoredLock> Locks, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Passed => !Diagnostics.Any(d => d.Severity == Severity.Error);

    /// <summary>Routing over the locks the gate read.</summary>
    public Router Router() => Routing.Router.FromStored(Workspace, Locks);
}
