using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Beacon.Layers.Rendering;

/// <summary>
/// One JSON style for every <c>--json</c> output: indented, snake_case names, '+' and '&lt;' left readable. Each
/// assembly serialises its own records through a source-generated context made with <see cref="Create"/> (no
/// reflection: the commands are compiled ahead of time).
/// </summary>
public static class JsonOptions
{
    public static JsonSerializerOptions Create() => new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The document and a final newline, as every command prints it.</summary>
    public static string Write<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type) + "\n";
}

/// <summary>The layer tree as <c>beacon graph --format json</c> prints it.</summary>
public sealed record GraphJson(IReadOnlyList<GraphLayerJson> Layers);

public sealed record GraphLayerJson(string Name, string? Parent, int Depth, string Stage, string? Hardware,
    IReadOnlyDictionary<string, string> System, IReadOnlyList<string> Children, IReadOnlyList<string> Dependencies, IReadOnlyList<string> Pip);

[JsonSerializable(typeof(GraphJson))]
internal sealed partial class LayersJson : JsonSerializerContext
{
    public static LayersJson Styled { get; } = new(JsonOptions.Create());
}
