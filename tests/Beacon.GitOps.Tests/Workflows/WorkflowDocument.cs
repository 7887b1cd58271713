using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Beacon.GitOps.Tests.Workflows;

/// <summary>
/// A workflow file as GitHub reads it: YAML turned into JSON (plain scalars typed as YAML 1.2's core schema does, so
/// `timeout-minutes: 30` is a number and `on` stays a key), and its steps by job and id — so tests run exactly the
/// commands the file holds, and cannot drift from it.
/// </summary>
public sealed class WorkflowDocument
{
    public WorkflowDocument(string path)
    {
        Path = path;
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        Json = ToJson(stream.Documents[0].RootNode)!.AsObject();
    }

    public string Path { get; }
    public JsonObject Json { get; }

    /// <summary>Every step of every job; a job that calls another workflow (<c>uses:</c>) has none here.</summary>
    public IEnumerable<(string Job, JsonObject Step)> Steps() =>
        Json["jobs"]!.AsObject().SelectMany(job => (job.Value!["steps"]?.AsArray() ?? []).Select(s => (job.Key, s!.AsObject())));

    /// <summary>The shell of the step with this id (in any job).</summary>
    public string Run(string stepId) =>
        Steps().Single(s => (string?)s.Step["id"] == stepId).Step["run"]!.GetValue<string>();

    /// <summary>The step's env, with `${{ … }}` values left for the caller to supply.</summary>
    public IReadOnlyDictionary<string, string> Env(string stepId) =>
        Steps().Single(s => (string?)s.Step["id"] == stepId).Step["env"]?.AsObject().ToDictionary(e => e.Key, e => e.Value!.ToString()) ?? [];

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } s => Plain(s.Value ?? ""),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };

    private static JsonNode? Plain(string text) =>
        text is "" or "null" or "~" ? null
        : text is "true" or "false" ? JsonValue.Create(text == "true")
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n)
        : JsonValue.Create(text);
}
