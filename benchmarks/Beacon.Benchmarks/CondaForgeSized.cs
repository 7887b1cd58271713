using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Beacon.Benchmarks;

/// <summary>
/// A conda-forge-sized channel made from the fixtures in the repository (nothing downloaded, nothing committed): the
/// example's demo channel kept verbatim (so the example's locks stay valid), then the real conda-forge records of
/// tests/fixtures/conda/channels/conda-forge-py-2024-05 copied again and again under new names — copy k renames every
/// package of the fixture to <c>name-k&lt;k&gt;</c>, in its own records and in the depends and constrains that name
/// them, so each copy is a consistent universe a solver can work in — with fresh sha256/md5 per copy, until the
/// linux-64 subdir holds <c>records</c> records (conda-forge's linux-64: about 400k, 250–330 MB).
/// </summary>
public static class CondaForgeSized
{
    public const int DefaultRecords = 395_000;

    /// <summary>Writes &lt;channel&gt;/&lt;subdir&gt;/repodata.json for linux-64, noarch and linux-aarch64 (the example's platforms).</summary>
    public static (long Bytes, int Records) Write(string demoChannel, string fixtureChannel, string output, int records = DefaultRecords)
    {
        long bytes = 0;
        var total = 0;
        foreach (var subdir in new[] { "linux-64", "noarch", "linux-aarch64" })
        {
            var demo = Path.Combine(demoChannel, subdir, "repodata.json");
            var fixture = Path.Combine(fixtureChannel, subdir, "repodata.json");
            // linux-64 grows to the target; noarch gets the fixture's noarch in as many copies; aarch64 stays the demo's.
            var target = subdir switch { "linux-64" => records, "noarch" => records / 13, _ => 0 };
            var path = Path.Combine(output, subdir, "repodata.json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var written = WriteSubdir(subdir, demo, File.Exists(fixture) && target > 0 ? fixture : null, target, path);
            bytes += new FileInfo(path).Length;
            total += written;
        }
        return (bytes, total);
    }

    private static int WriteSubdir(string subdir, string demoPath, string? fixturePath, int target, string path)
    {
        using var demo = JsonDocument.Parse(File.ReadAllBytes(demoPath));
        using var fixture = fixturePath is null ? null : JsonDocument.Parse(File.ReadAllBytes(fixturePath));
        var names = fixture is null ? [] : Sections(fixture).SelectMany(s => s.EnumerateObject()).Select(p => p.Value.GetProperty("name").GetString()!)
            .ToHashSet(StringComparer.Ordinal);
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, SkipValidation = true });
        writer.WriteStartObject();
        writer.WritePropertyName("info");
        writer.WriteStartObject();
        writer.WriteString("subdir", subdir);
        writer.WriteEndObject();
        // As many copies of the fixture (both sections) as fill the target after the demo's own records.
        var demoCount = Sections(demo).Sum(s => s.EnumerateObject().Count());
        var perCopy = fixture is null ? 0 : Sections(fixture).Sum(s => s.EnumerateObject().Count());
        var copies = fixture is null ? 0 : Math.Max(1, (target - demoCount + perCopy - 1) / Math.Max(1, perCopy));
        var count = 0;
        foreach (var section in new[] { "packages", "packages.conda" })
        {
            writer.WritePropertyName(section);
            writer.WriteStartObject();
            if (demo.RootElement.TryGetProperty(section, out var own))
            {
                foreach (var p in own.EnumerateObject())
                {
                    p.WriteTo(writer);
                    count++;
                }
            }
            if (fixture is not null && fixture.RootElement.TryGetProperty(section, out var copied))
            {
                for (var k = 0; k < copies; k++)
                {
                    foreach (var p in copied.EnumerateObject())
                    {
                        WriteCopy(writer, p, k, names);
                        count++;
                    }
                }
            }
            writer.WriteEndObject();
        }
        writer.WriteNumber("repodata_version", 1);
        writer.WriteEndObject();
        return count;
    }

    private static IEnumerable<JsonElement> Sections(JsonDocument d) =>
        new[] { "packages", "packages.conda" }.Select(s => d.RootElement.TryGetProperty(s, out var e) ? e : default).Where(e => e.ValueKind == JsonValueKind.Object);

    private static string Renamed(string name, int k) => $"{name}-k{k}";

    /// <summary>A spec's name renamed when it is one of the fixture's packages ("python >=3.8" → "python-k3 >=3.8").</summary>
    private static string RenamedSpec(string spec, int k, HashSet<string> names)
    {
        var end = spec.IndexOfAny([' ', '=', '<', '>', '!', '~', '[']);
        var name = end < 0 ? spec : spec[..end];
        return names.Contains(name) ? Renamed(name, k) + spec[name.Length..] : spec;
    }

    private static void WriteCopy(Utf8JsonWriter writer, JsonProperty file, int k, HashSet<string> names)
    {
        var record = file.Value;
        var name = record.GetProperty("name").GetString()!;
        var fileName = Renamed(name, k) + file.Name[name.Length..];
        writer.WritePropertyName(fileName);
        writer.WriteStartObject();
        foreach (var field in record.EnumerateObject())
        {
            switch (field.Name)
            {
                case "name":
                    writer.WriteString("name", Renamed(name, k));
                    break;
                case "depends" or "constrains" when field.Value.ValueKind == JsonValueKind.Array:
                    writer.WritePropertyName(field.Name);
                    writer.WriteStartArray();
                    foreach (var spec in field.Value.EnumerateArray())
                    {
                        writer.WriteStringValue(RenamedSpec(spec.GetString()!, k, names));
                    }
                    writer.WriteEndArray();
                    break;
                case "sha256":
                    writer.WriteString("sha256", Fresh(field.Value.GetString()!, k, 64));
                    break;
                case "md5":
                    writer.WriteString("md5", Fresh(field.Value.GetString()!, k, 32));
                    break;
                default:
                    field.WriteTo(writer);
                    break;
            }
        }
        writer.WriteEndObject();
    }

    private static string Fresh(string original, int k, int length) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{k}:{original}")))[..length];
}
