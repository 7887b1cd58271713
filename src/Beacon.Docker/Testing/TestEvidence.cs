using System.Text.Json;
using System.Text.Json.Serialization;

namespace Beacon.Docker.Testing;

/// <summary>
/// Which image ids passed their layer's tests: the evidence <c>beacon publish</c> requires. Kept per checkout in
/// <see cref="DefaultPath"/>, keyed by image id, so a rebuilt image must pass again.
/// </summary>
public sealed class TestEvidence(string path)
{
    public const string DefaultPath = ".beacon/test-results.json";

    public void Record(string imageId, string layer, bool passed, int tests)
    {
        var all = Load();
        all[imageId] = new TestEvidenceEntry(layer, passed, tests, DateTimeOffset.UtcNow);
        Conda.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new SortedDictionary<string, TestEvidenceEntry>(all, StringComparer.Ordinal), TestEvidenceJson.Default.SortedDictionaryStringTestEvidenceEntry));
    }

    /// <summary>True only when the tests of <paramref name="layer"/> passed for exactly this image id.</summary>
    public bool Passed(string imageId, string layer) => Load().TryGetValue(imageId, out var e) && e.Passed && e.Layer == layer;

    private Dictionary<string, TestEvidenceEntry> Load()
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), TestEvidenceJson.Default.DictionaryStringTestEvidenceEntry) ?? [] : [];
        }
        catch (JsonException)
        {
            return []; // an unreadable record proves nothing: tests must run again
        }
    }
}

internal sealed record TestEvidenceEntry(string Layer, bool Passed, int Tests, DateTimeOffset At);

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(SortedDictionary<string, TestEvidenceEntry>))]
[JsonSerializable(typeof(Dictionary<string, TestEvidenceEntry>))]
internal sealed partial class TestEvidenceJson : JsonSerializerContext;
