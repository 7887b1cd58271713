using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Beacon.Docker.Testing;

/// <summary>What <see cref="TestEvidence.Verdict"/> found for an image and a layer's current tests.</summary>
public enum TestVerdict
{
    /// <summary>No run of this layer's tests is recorded for this image.</summary>
    NotRun,
    /// <summary>The last run of these tests on this image failed.</summary>
    Failed,
    /// <summary>The image passed, but under other tests than the layer's <c>tests:</c> say now.</summary>
    TestsChanged,
    Passed,
}

/// <summary>
/// The evidence <c>beacon publish</c> requires: per image id, the last run of its layer's tests — which layer, the
/// fingerprint of the tests that ran (the layer's own suite: its commands, in order), and whether everything that ran
/// passed (with <c>--against</c>, the workloads' suites too). The verdict depends on the image (its id covers every
/// file and the configuration), the commands, and how Beacon runs them (<c>/bin/sh -c</c>, one container each, which
/// is fixed); so evidence is valid exactly while the image id and the fingerprint both match. Kept per checkout in
/// <see cref="DefaultPath"/>; a file of another schema or one that does not parse proves nothing.
/// </summary>
public sealed class TestEvidence(string path)
{
    public const string DefaultPath = ".beacon/test-results.json";

    /// <summary>The file's schema: version 1 keyed results by image id alone (no tests fingerprint) and is ignored.</summary>
    public const int Schema = 2;

    /// <summary>Bigger than any real record of results: such a file is not ours and proves nothing.</summary>
    private const long MaxBytes = 16 * 1024 * 1024;

    public void Record(string imageId, string layer, TestSuite layerSuite, bool passed, int tests)
    {
        var all = Load();
        all[imageId] = new TestEvidenceEntry(layer, Fingerprint(layerSuite), passed, tests, DateTimeOffset.UtcNow);
        var file = new TestEvidenceFile(Schema, new SortedDictionary<string, TestEvidenceEntry>(all, StringComparer.Ordinal));
        Conda.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(file, TestEvidenceJson.Default.TestEvidenceFile));
    }

    /// <summary>Whether <paramref name="layerSuite"/> — the layer's tests as they are now — passed on exactly this image.</summary>
    public TestVerdict Verdict(string imageId, string layer, TestSuite layerSuite)
    {
        if (!Load().TryGetValue(imageId, out var entry) || entry.Layer != layer)
        {
            return TestVerdict.NotRun;
        }
        if (entry.Tests != Fingerprint(layerSuite))
        {
            return TestVerdict.TestsChanged;
        }
        return entry.Passed ? TestVerdict.Passed : TestVerdict.Failed;
    }

    /// <summary>sha256 over the suite's commands, each length-prefixed so that no two lists share a fingerprint.</summary>
    public static string Fingerprint(TestSuite suite)
    {
        var text = new StringBuilder();
        foreach (var command in suite.Commands)
        {
            text.Append(command.Length).Append(':').Append(command).Append('\n');
        }
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private Dictionary<string, TestEvidenceEntry> Load()
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null || info.Length > MaxBytes)
            {
                return [];
            }
            var file = JsonSerializer.Deserialize(File.ReadAllText(path), TestEvidenceJson.Default.TestEvidenceFile);
            return file is { Schema: Schema, Results: { } results }
                ? new Dictionary<string, TestEvidenceEntry>(results.Where(r => r.Value is { Layer: not null, Tests: not null }), StringComparer.Ordinal)
                : [];
        }
        catch (JsonException)
        {
            return []; // an unreadable record proves nothing: tests must run again
        }
    }
}

internal sealed record TestEvidenceEntry(string Layer, string Tests, bool Passed, int Count, DateTimeOffset At);

internal sealed record TestEvidenceFile(int Schema, IDictionary<string, TestEvidenceEntry>? Results);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TestEvidenceFile))]
internal sealed partial class TestEvidenceJson : JsonSerializerContext;
