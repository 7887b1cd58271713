using System.Text;
using Beacon.Conda.Parsing;
using Beacon.Conda.Records;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Conda.Locks;

/// <summary>One line of an explicit lock: the package URL and its checksum.</summary>
public sealed record LockedPackage(string Url, string Name, Version Version, string Build, string Subdir, string? Sha256, string? Md5)
{
    public string FileName => Url[(Url.LastIndexOf('/') + 1)..];

    /// <summary>The channel URL: everything before <c>/&lt;subdir&gt;/&lt;file&gt;</c>.</summary>
    public string Channel
    {
        get
        {
            var withoutFile = Url[..Url.LastIndexOf('/')];
            var cut = withoutFile.LastIndexOf('/');
            return cut > 0 ? withoutFile[..cut] : withoutFile;
        }
    }

    public string DistString => $"{Name}-{Version.Text}-{Build}";

    /// <summary>A record for the solver (pins); dependencies are not in an explicit lock, the channel supplies them.</summary>
    public PackageRecord ToRecord() => new()
    {
        Name = Name, Version = Version, Build = Build, Subdir = Subdir, FileName = FileName, Channel = Channel,
        Sha256 = Sha256, Md5 = Md5,
    };

    public static LockedPackage FromRecord(PackageRecord r) =>
        new(r.Url, r.Name, r.Version, r.Build, r.Subdir, r.Sha256, r.Md5);
}

/// <summary>
/// conda's explicit environment file (<c>@EXPLICIT</c>): one package URL per line with its checksum after '#', in
/// dependency order, so <c>conda create --file</c> and <c>micromamba create -f</c> install it without solving.
/// Beacon adds <c># key: value</c> header comments (layer, hashes); conda ignores them. Written byte-identically for
/// the same input.
/// </summary>
public sealed record ExplicitLock(string Platform, IReadOnlyList<LockedPackage> Packages, IReadOnlyList<KeyValuePair<string, string>> Metadata)
{
    public const string Marker = "@EXPLICIT";

    /// <summary>For a parsed file: the 1-based line of each package (same order as <see cref="Packages"/>), for diagnostics.</summary>
    public IReadOnlyList<int> PackageLines { get; init; } = [];

    public string? Get(string key) => Metadata.FirstOrDefault(kv => kv.Key == key).Value;

    /// <summary>Builds a lock from solved records, ordering them so every package comes after its dependencies.</summary>
    public static ExplicitLock FromRecords(string platform, IEnumerable<PackageRecord> records, IEnumerable<KeyValuePair<string, string>>? metadata = null) =>
        new(platform, TopologicalOrder(records.ToList()).Select(LockedPackage.FromRecord).ToList(), metadata?.ToList() ?? []);

    public string Write()
    {
        var sb = new StringBuilder();
        sb.Append("# This file may be used to create an environment using:\n");
        sb.Append("# $ conda create --name <env> --file <this file>\n");
        sb.Append("# platform: ").Append(Platform).Append('\n');
        foreach (var (key, value) in Metadata)
        {
            sb.Append("# ").Append(key).Append(": ").Append(value).Append('\n');
        }
        sb.Append(Marker).Append('\n');
        foreach (var p in Packages)
        {
            sb.Append(p.Url);
            if (p.Sha256 is not null)
            {
                sb.Append("#sha256:").Append(p.Sha256);
            }
            else if (p.Md5 is not null)
            {
                sb.Append('#').Append(p.Md5);
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// Parses an explicit file; errors name the 1-based line. <paramref name="versions"/> lets a caller that reads many
    /// locks (a child lock repeats every record of its parent) parse each version text once; it belongs to the caller,
    /// so nothing is kept between unrelated reads.
    /// </summary>
    public static ParseResult<ExplicitLock> Parse(string text, Dictionary<string, Version>? versions = null)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string? platform = null;
        var metadata = new List<KeyValuePair<string, string>>();
        var packages = new List<LockedPackage>();
        var packageLines = new List<int>();
        var explicitSeen = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith('#'))
            {
                var colon = line.IndexOf(':');
                if (!explicitSeen && colon > 1)
                {
                    var key = line[1..colon].Trim();
                    var value = line[(colon + 1)..].Trim();
                    if (key == "platform")
                    {
                        platform = value;
                    }
                    else if (key.Length > 0 && !key.Contains(' ', StringComparison.Ordinal) && !key.StartsWith('$'))
                    {
                        metadata.Add(new(key, value));
                    }
                }
                continue;
            }
            if (line == Marker)
            {
                explicitSeen = true;
                continue;
            }
            if (!explicitSeen)
            {
                return ParseResult<ExplicitLock>.Fail($"line {i + 1}: a package line before '{Marker}'; this is not an explicit lock file", i + 1);
            }
            var parsed = ParsePackageLine(line, versions);
            if (parsed.Error is { } error)
            {
                return ParseResult<ExplicitLock>.Fail($"line {i + 1}: {error}", i + 1);
            }
            packages.Add(parsed.Package!);
            packageLines.Add(i + 1);
        }
        if (!explicitSeen)
        {
            return ParseResult<ExplicitLock>.Fail($"no '{Marker}' line: this is not an explicit lock file");
        }
        return ParseResult<ExplicitLock>.Ok(new ExplicitLock(platform ?? packages.FirstOrDefault()?.Subdir ?? "", packages, metadata) { PackageLines = packageLines });
    }

    private static (LockedPackage? Package, string? Error) ParsePackageLine(string line, Dictionary<string, Version>? versions)
    {
        string? sha256 = null, md5 = null;
        var url = line;
        var hash = line.IndexOf('#');
        if (hash >= 0)
        {
            url = line[..hash];
            var fragment = line[(hash + 1)..];
            if (fragment.StartsWith("sha256:", StringComparison.Ordinal) && IsHex(fragment[7..], 64))
            {
                sha256 = fragment[7..].ToLowerInvariant();
            }
            else if (fragment.StartsWith("md5:", StringComparison.Ordinal) && IsHex(fragment[4..], 32))
            {
                md5 = fragment[4..].ToLowerInvariant();
            }
            else if (IsHex(fragment, 64))
            {
                sha256 = fragment.ToLowerInvariant();
            }
            else if (IsHex(fragment, 32))
            {
                md5 = fragment.ToLowerInvariant();
            }
            else
            {
                return (null, $"'#{fragment}' is not an md5 (32 hex digits) or sha256 (64 hex digits) checksum");
            }
        }
        if (!IsUrl(url))
        {
            return (null, $"'{url}' is not an http(s) or file URL");
        }
        var fileName = url[(url.LastIndexOf('/') + 1)..];
        var stem = fileName.EndsWith(".conda", StringComparison.Ordinal) ? fileName[..^6]
            : fileName.EndsWith(".tar.bz2", StringComparison.Ordinal) ? fileName[..^8] : null;
        if (stem is null)
        {
            return (null, $"'{fileName}' is not a conda package file (.conda or .tar.bz2)");
        }
        var lastDash = stem.LastIndexOf('-');
        var secondDash = lastDash > 0 ? stem.LastIndexOf('-', lastDash - 1) : -1;
        if (secondDash <= 0)
        {
            return (null, $"'{fileName}' is not named <name>-<version>-<build>");
        }
        var version = ParseVersion(stem[(secondDash + 1)..lastDash], versions);
        if (!version.Success)
        {
            return (null, $"'{fileName}' has an invalid version: {version.Error.Message}");
        }
        var withoutFile = url[..url.LastIndexOf('/')];
        var subdir = withoutFile[(withoutFile.LastIndexOf('/') + 1)..];
        return (new LockedPackage(url, stem[..secondDash], version.Value, stem[(lastDash + 1)..], subdir, sha256, md5), null);
    }

    private static bool IsHex(string s, int length)
    {
        if (s.Length != length)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>An http(s) or file URL with a host part and no whitespace or control characters (cheaper than System.Uri).</summary>
    private static bool IsUrl(string url)
    {
        var schemeEnd = url.StartsWith("https://", StringComparison.Ordinal) ? 8
            : url.StartsWith("http://", StringComparison.Ordinal) ? 7
            : url.StartsWith("file://", StringComparison.Ordinal) ? 7 : -1;
        if (schemeEnd < 0 || url.Length <= schemeEnd)
        {
            return false;
        }
        foreach (var c in url)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '<' or '>' or '\\' or '`')
            {
                return false;
            }
        }
        return true;
    }

    private static ParseResult<Version> ParseVersion(string text, Dictionary<string, Version>? versions)
    {
        if (versions is not null && versions.TryGetValue(text, out var cached))
        {
            return ParseResult<Version>.Ok(cached);
        }
        var parsed = Version.TryParse(text);
        if (parsed.Success && versions is not null)
        {
            versions[text] = parsed.Value;
        }
        return parsed;
    }

    /// <summary>Dependencies first; among packages whose dependencies are all placed, by name (deterministic).</summary>
    private static List<PackageRecord> TopologicalOrder(List<PackageRecord> records)
    {
        var byName = records.GroupBy(r => r.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var dependsOn = records.ToDictionary(
            r => r.Name,
            r => r.Depends.Select(d => Specs.SpecCache.NameOf(d) ?? "")
                .Where(n => n != r.Name && byName.ContainsKey(n)).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
        // Kahn's order with the ready names kept sorted: the same order as taking, again and again, the first name
        // (by name) whose dependencies are all placed, without scanning the remaining names each time.
        var waitingOn = byName.Keys.ToDictionary(n => n, n => dependsOn[n].Count, StringComparer.Ordinal);
        var dependents = byName.Keys.ToDictionary(n => n, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (name, deps) in dependsOn)
        {
            foreach (var dep in deps)
            {
                dependents[dep].Add(name);
            }
        }
        var remaining = new SortedSet<string>(byName.Keys, StringComparer.Ordinal);
        var ready = new SortedSet<string>(byName.Keys.Where(n => waitingOn[n] == 0), StringComparer.Ordinal);
        var result = new List<PackageRecord>(records.Count);
        while (remaining.Count > 0)
        {
            // A dependency cycle (rare, but conda allows it): take the first by name and go on.
            var next = ready.Count > 0 ? ready.Min! : remaining.Min!;
            ready.Remove(next);
            remaining.Remove(next);
            result.Add(byName[next]);
            foreach (var dependent in dependents[next])
            {
                if (--waitingOn[dependent] == 0 && remaining.Contains(dependent))
                {
                    ready.Add(dependent);
                }
            }
        }
        return result;
    }
}
