using Beacon.Conda.Specs;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Yaml;

namespace Beacon.Layers.Documents;

/// <summary>A dependency line of a layer: the parsed MatchSpec and where it was written.</summary>
public sealed record Dependency(MatchSpec Spec, string Text, SourceLocation Location);

/// <summary>
/// <c>layers/&lt;name&gt;.yaml</c>: one conda environment that adds packages to its parent's. Keys follow conda's
/// environment.yml where they overlap (name, channels, dependencies with a nested <c>pip:</c> list).
/// </summary>
public sealed record LayerDocument
{
    public required string Name { get; init; }
    public required string File { get; init; }
    public required SourceLocation NameLocation { get; init; }
    public Located<string>? Parent { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string> Owners { get; init; } = [];
    /// <summary>Channels as written; null means "inherit from the parent".</summary>
    public IReadOnlyList<string>? Channels { get; init; }
    public IReadOnlyList<Dependency> Dependencies { get; init; } = [];
    /// <summary>pip requirements: recorded and shown, not solved.</summary>
    public IReadOnlyList<string> Pip { get; init; } = [];
    /// <summary>Virtual packages this layer targets, e.g. __cuda → 12.4 (sorted by name).</summary>
    public IReadOnlyDictionary<string, string> System { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    public Located<string>? Hardware { get; init; }
    public Stage Stage { get; init; } = Stage.Experimental;
    public IReadOnlyList<string> Tests { get; init; } = [];
    public Located<string>? Platform { get; init; }
    public Located<string>? BaseImage { get; init; }
    /// <summary>Root only: where the environment is installed in every image of the tree (default <see cref="DefaultPrefix"/>).</summary>
    public Located<string>? Prefix { get; init; }
    /// <summary>The layer this one was forked from (written by <c>beacon fork</c>; shown in pull-request summaries).</summary>
    public string? ForkedFrom { get; init; }

    public bool IsRoot => Parent is null;

    /// <summary>Where mambaorg/micromamba images keep their base environment, and so where Beacon installs by default.</summary>
    public const string DefaultPrefix = "/opt/conda";
}
