using System.Text.Json.Serialization;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Rendering;

namespace Beacon.Cli.Output;

// The documents the commands print with --json (snake_case, see JsonOptions). Source-generated: no reflection.

public sealed record DiagnosticJson(string File, int Line, int Column, string Severity, string Code, string Message)
{
    public static DiagnosticJson From(Diagnostic d) =>
        new(d.Location.File, d.Location.Line, d.Location.Column, d.Severity == Layers.Diagnostics.Severity.Error ? "error" : "warning", d.Id, d.Message);
}

/// <summary>validate and check: whether the repository passed, a summary, and every finding.</summary>
public sealed record ReportJson(bool Valid, SummaryJson? Summary, IReadOnlyList<DiagnosticJson> Diagnostics);

public sealed record SummaryJson(
    int Layers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Workloads = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Stacks = null);

/// <summary>Any command's failure with --json: what stopped it (null when the diagnostics say it all) and the diagnostics.</summary>
public sealed record FailureJson(ErrorJson? Error, int ExitCode, IReadOnlyList<DiagnosticJson> Diagnostics);

public sealed record ErrorJson(string Code, string Message);

public sealed record SolveJson(
    bool Solved,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SolvedPackageJson>? Packages,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Explanation);

public sealed record SolvedPackageJson(string Name, string Version, string Build, long BuildNumber, string Subdir, string Channel,
    [property: JsonPropertyName("fn")] string FileName, string Url, string? Sha256);

public sealed record RouteJson(string? Layer, IReadOnlyList<RouteCandidateJson> Candidates);

public sealed record RouteCandidateJson(string Layer, int? Packages, bool Accepted, IReadOnlyList<string> Rejections);

/// <summary><c>beacon build --matrix</c>: the layers as levels that build in parallel, parents first.</summary>
public sealed record BuildMatrixJson(IReadOnlyList<IReadOnlyList<string>> Levels);

[JsonSerializable(typeof(ReportJson))]
[JsonSerializable(typeof(BuildMatrixJson))]
[JsonSerializable(typeof(FailureJson))]
[JsonSerializable(typeof(SolveJson))]
[JsonSerializable(typeof(RouteJson))]
internal sealed partial class CliJson : JsonSerializerContext
{
    public static CliJson Styled { get; } = new(JsonOptions.Create());
}
