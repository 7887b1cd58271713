using Beacon.Layers.Diagnostics;
using Beacon.Layers.Yaml;

namespace Beacon.Layers.Documents;

/// <summary>
/// <c>developers/&lt;name&gt;.yaml</c>: a developer's standard configuration — the layer they work in by default, a
/// hardware profile or their own CPUs/RAM/GPU (within the organisation's <see cref="DeveloperLimits"/>), exploratory
/// profiles they may also use, the size of their home volume, the local port of their Jupyter Server.
/// Rendered per stack as a workspace (<c>beacon workspace up</c>, or a Deployment + PersistentVolumeClaim).
/// </summary>
public sealed record DeveloperDocument
{
    public required string Name { get; init; }
    public required string File { get; init; }
    public required SourceLocation NameLocation { get; init; }
    public required Located<string> Layer { get; init; }
    /// <summary>A named profile; null when <see cref="Resources"/> is given (or for the default profile).</summary>
    public Located<string>? Hardware { get; init; }
    /// <summary>The developer's own CPUs/memory/GPU (a profile named after the developer).</summary>
    public HardwareProfile? Resources { get; init; }
    public SourceLocation? ResourcesLocation { get; init; }
    public IReadOnlyList<Located<string>> Exploratory { get; init; } = [];
    public string Storage { get; init; } = DefaultStorage;
    public int Port { get; init; } = DefaultPort;
    public IReadOnlyList<string> Owners { get; init; } = [];
    public IReadOnlyList<Located<string>>? Stacks { get; init; }

    public const string DefaultStorage = "10Gi";
    public const int DefaultPort = 8890;

    public bool RunsIn(StackDocument stack) => Stacks is null || Stacks.Any(s => s.Value == stack.Name);

    /// <summary>The profile the workspace runs on: the developer's own resources, else the named (or default) profile.</summary>
    public HardwareProfile? Profile(IReadOnlyDictionary<string, HardwareProfile> profiles) =>
        Resources ?? profiles.GetValueOrDefault(Hardware?.Value ?? HardwareProfile.DefaultName);
}

/// <summary><c>developers:</c> in beacon.yaml: the most any developer's workspace may ask for (null: no limit).</summary>
public sealed record DeveloperLimits(double? Cpus, string? Memory, int? Gpus)
{
    public static DeveloperLimits None { get; } = new(null, null, null);

    /// <summary>What a profile asks for beyond the limits ("8 CPUs (limit 4)"), or nothing.</summary>
    public IReadOnlyList<string> Exceeded(HardwareProfile profile)
    {
        var over = new List<string>();
        if (Cpus is { } c && profile.Cpus > c)
        {
            over.Add($"{profile.Cpus:0.###} CPUs (limit {c:0.###})");
        }
        if (Memory is { } m && profile.MemoryBytes > HardwareProfile.BytesOf(m))
        {
            over.Add($"{profile.Memory} of memory (limit {m})");
        }
        if (Gpus is { } g && (profile.Gpu?.Count ?? 0) > g)
        {
            over.Add($"{Conda.Parsing.Plural.Of(profile.Gpu!.Count, "GPU")} (limit {g})");
        }
        return over;
    }
}
