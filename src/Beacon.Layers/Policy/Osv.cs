using System.Text.Json;
using Beacon.Conda.Versions;
using Beacon.Layers.Diagnostics;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Layers.Policy;

/// <summary>One advisory of the repository's snapshot: its id and aliases, and the conda packages and versions it affects.</summary>
public sealed record Advisory(string Id, IReadOnlyList<string> Aliases, string Summary, string File, IReadOnlyList<AffectedPackage> Affected)
{
    public bool Names(string rule) => string.Equals(Id, rule, StringComparison.OrdinalIgnoreCase) || Aliases.Contains(rule, StringComparer.OrdinalIgnoreCase);
}

/// <summary>A PyPI package an advisory affects (its name normalised as PEP 503 does), by ranges and listed versions.</summary>
public sealed record AffectedPackage(string Name, IReadOnlyList<IReadOnlyList<(string Kind, string Version)>> Ranges, IReadOnlyList<string> Versions)
{
    /// <summary>
    /// OSV's evaluation of ECOSYSTEM and SEMVER ranges: events in version order; a version is affected when the last
    /// event at or below it is an introduction (a <c>last_affected</c> equal to it still counts). Versions compare as
    /// conda orders them (PEP 440 and conda agree on release and pre-release numbers).
    /// </summary>
    public bool Affects(Version version)
    {
        if (Versions.Any(v => Version.TryParse(v) is { Success: true } p && p.Value.Equals(version)))
        {
            return true;
        }
        foreach (var range in Ranges)
        {
            var affected = false;
            var events = range
                .Select(e => (e.Kind, Version: e.Version == "0" ? null : Version.TryParse(e.Version) is { Success: true } p ? p.Value : null, e.Version))
                .Where(e => e.Version is not null || e.Item3 == "0")
                .OrderBy(e => e.Version is null ? 0 : 1).ThenBy(e => e.Version)
                .ToList();
            foreach (var e in events)
            {
                var at = e.Version is null ? 1 : version.CompareTo(e.Version); // "0": before every version
                switch (e.Kind)
                {
                    case "introduced" when at >= 0:
                        affected = true;
                        break;
                    case "fixed" or "limit" when at >= 0:
                        affected = false;
                        break;
                    case "last_affected" when at > 0:
                        affected = false;
                        break;
                }
            }
            if (affected)
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// Reads the OSV advisories kept in the repository (<c>advisories/*.json</c>: one OSV object per file, or an OSV API
/// answer <c>{"vulns": [...]}</c>). OSV has no conda ecosystem: PyPI entries are matched to conda packages by their
/// normalised name, or by <c>advisory-names</c> in policy.yaml; other ecosystems are not read.
/// </summary>
public static class Osv
{
    public const string Folder = Loading.RepositorySources.Advisories;
    public const long MaxFileBytes = 4L << 20;

    /// <summary>PEP 503: lower case, runs of '-', '_' and '.' as one '-'.</summary>
    public static string Normalise(string name) =>
        System.Text.RegularExpressions.Regex.Replace(name.ToLowerInvariant(), "[-_.]+", "-");

    public static bool IsCondaName(string name) =>
        name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');

    /// <summary>An advisory id as OSV writes them: PREFIX-rest, letters, digits, '-', '_', '.', ':'.</summary>
    public static bool IsId(string id) =>
        id.Length is > 3 and <= 100 && id.Contains('-') && char.IsAsciiLetter(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    /// <summary>The advisories of one file's text; a file that is not OSV JSON is reported and gives none.</summary>
    public static IReadOnlyList<Advisory> Read(string file, string text, DiagnosticBag bag)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 32 });
            var root = document.RootElement;
            var items = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("vulns", out var vulns) && vulns.ValueKind == JsonValueKind.Array
                ? vulns.EnumerateArray().ToList()
                : [root];
            var result = new List<Advisory>();
            foreach (var item in items)
            {
                if (One(file, item) is { } advisory)
                {
                    result.Add(advisory);
                }
                else
                {
                    bag.Error(new SourceLocation(file), DiagnosticCode.InvalidAdvisory,
                        $"'{file}' holds an entry that is not an OSV advisory (an object with a valid 'id' and 'affected' packages); export it from osv.dev again");
                    return [];
                }
            }
            return result;
        }
        catch (JsonException e)
        {
            bag.Error(new SourceLocation(file, (int)(e.LineNumber ?? 0) + 1), DiagnosticCode.InvalidAdvisory, $"'{file}' is not JSON: {e.Message}");
            return [];
        }
    }

    private static Advisory? One(string file, JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || Text(item, "id") is not { } id || !IsId(id))
        {
            return null;
        }
        var aliases = Strings(item, "aliases").Where(IsId).ToList();
        var affected = new List<AffectedPackage>();
        if (item.TryGetProperty("affected", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var a in list.EnumerateArray())
            {
                if (a.ValueKind != JsonValueKind.Object || !a.TryGetProperty("package", out var package) || package.ValueKind != JsonValueKind.Object
                    || Text(package, "ecosystem") != "PyPI" || Text(package, "name") is not { } name)
                {
                    continue;
                }
                var ranges = new List<IReadOnlyList<(string, string)>>();
                if (a.TryGetProperty("ranges", out var rs) && rs.ValueKind == JsonValueKind.Array)
                {
                    foreach (var r in rs.EnumerateArray())
                    {
                        if (r.ValueKind != JsonValueKind.Object || Text(r, "type") is not ("ECOSYSTEM" or "SEMVER")
                            || !r.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
                        {
                            continue;
                        }
                        ranges.Add(events.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
                            .SelectMany(e => e.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => (p.Name, p.Value.GetString()!)))
                            .ToList());
                    }
                }
                affected.Add(new AffectedPackage(Normalise(name), ranges, Strings(a, "versions")));
            }
        }
        var summary = Text(item, "summary") ?? Text(item, "details") ?? "";
        summary = new string(summary.Take(200).Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return new Advisory(id, aliases, summary, file, affected);
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
}
