using Beacon.Conda.Specs;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Yaml;

namespace Beacon.Layers.Documents;

public enum WorkloadKind
{
    Service,
    Job,
    CronJob,
    Kernel,
}

public static class WorkloadKinds
{
    public static readonly IReadOnlyList<string> Names = ["service", "job", "cronjob", "kernel"];

    public static bool TryParse(string text, out WorkloadKind kind)
    {
        var index = Names.ToList().IndexOf(text);
        kind = index < 0 ? default : (WorkloadKind)index;
        return index >= 0;
    }

    public static string ToText(this WorkloadKind kind) => Names[(int)kind];
}

/// <summary>
/// A workload (<c>workloads/&lt;name&gt;.yaml</c>): what runs, what conda packages it needs, and where. Without an
/// explicit <see cref="Layer"/> it is routed to the minimum acceptable layer.
/// </summary>
public sealed record WorkloadDocument
{
    public required string Name { get; init; }
    public required string File { get; init; }
    public required SourceLocation NameLocation { get; init; }
    public required WorkloadKind Kind { get; init; }
    public IReadOnlyList<string> Command { get; init; } = [];
    public IReadOnlyList<Dependency> Requires { get; init; } = [];
    public Located<string>? Layer { get; init; }
    public Located<string>? Hardware { get; init; }
    public int Replicas { get; init; } = 1;
    public string? Schedule { get; init; }
    public IReadOnlyList<int> Ports { get; init; } = [];
    public IReadOnlyDictionary<string, string> Env { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    public string? Group { get; init; }
    /// <summary>Commands that prove the workload works in a candidate image (run by <c>beacon test --against</c>).</summary>
    public IReadOnlyList<string> Tests { get; init; } = [];
    public string? Description { get; init; }
    /// <summary>Who reviews changes to the workload's file (CODEOWNERS); a group file's owners apply to each of its workloads.</summary>
    public IReadOnlyList<string> Owners { get; init; } = [];
    /// <summary>The stacks that run this workload; null means every stack.</summary>
    public IReadOnlyList<Located<string>>? Stacks { get; init; }
    /// <summary>The platform it runs on (a conda subdir); null: the tree's default (linux-64 when a root targets it).</summary>
    public Located<string>? Platform { get; init; }

    /// <summary>
    /// The least stable stage of layer the workload may run in (<c>stage:</c>). Unset: the most stable stage among
    /// the layers that satisfy it, so a production job never drifts into an experimental fork that happens to be
    /// smaller; <c>stage: experimental</c> opts in to experimental layers.
    /// </summary>
    public Stage? Stage { get; init; }

    public bool RunsIn(StackDocument stack) => Stacks is null || Stacks.Any(s => s.Value == stack.Name);

    /// <summary>
    /// What its layer must hold: <see cref="Requires"/>, plus <c>jupyter_server</c> for a kernel that gives no command
    /// (it then runs a Jupyter Server, which VS Code and JupyterLab connect to). The one routing input every face uses.
    /// </summary>
    public IReadOnlyList<MatchSpec> RoutingRequires =>
        Kind == WorkloadKind.Kernel && Command.Count == 0 && Requires.All(r => r.Spec.Name != JupyterServer)
            ? [.. Requires.Select(r => r.Spec), MatchSpec.Parse(JupyterServer)]
            : [.. Requires.Select(r => r.Spec)];

    public const string JupyterServer = "jupyter_server";
}
