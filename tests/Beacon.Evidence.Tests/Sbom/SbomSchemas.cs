using System.Text.Json;
using Beacon.TestSupport;
using Json.Schema;

namespace Beacon.Evidence.Tests.Sbom;

/// <summary>
/// The official CycloneDX 1.6 (with the SPDX licence list and JSF signature schemas it refers to) and SPDX 2.3 JSON
/// schemas, vendored under tests/fixtures/sbom-schemas, each in its own registry; shared with the integration tests.
/// </summary>
internal static class SbomSchemas
{
    public static readonly Lazy<JsonSchema> CycloneDx = new(() =>
    {
        // The BOM schema refers to its two siblings by relative $ref: they are built into the same registry first.
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        foreach (var sibling in new[] { "cyclonedx-spdx.schema.json", "cyclonedx-jsf-0.82.schema.json" })
        {
            JsonSchema.FromText(Fixtures.ReadAllText("sbom-schemas", sibling), options);
        }
        return JsonSchema.FromText(Fixtures.ReadAllText("sbom-schemas", "cyclonedx-bom-1.6.schema.json"), options);
    });

    public static readonly Lazy<JsonSchema> Spdx = new(() =>
        JsonSchema.FromText(Fixtures.ReadAllText("sbom-schemas", "spdx-2.3-schema.json"), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    public static bool IsValid(JsonSchema schema, string json) => schema.Evaluate(JsonDocument.Parse(json).RootElement).IsValid;

    public static void AssertValid(JsonSchema schema, byte[] document)
    {
        var result = schema.Evaluate(JsonDocument.Parse(document).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }
}
