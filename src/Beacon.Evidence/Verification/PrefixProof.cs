using System.Text.Json;
using System.Text.RegularExpressions;
using Beacon.Conda.Parsing;

namespace Beacon.Evidence.Verification;

/// <summary>One way an image's environment is not its locks: the package (its dist string) when one is concerned, and the path.</summary>
public sealed record ProofFinding(string? Package, string Path, string Message)
{
    public override string ToString() => Package is null ? $"{Path}: {Message}" : $"{Package}: {Path}: {Message}";
}

/// <summary>What comparing an image's prefix with its locks found; <see cref="Proven"/> when nothing.</summary>
public sealed record PrefixProofResult(IReadOnlyList<ProofFinding> Findings, int Packages, int Files)
{
    public bool Proven => Findings.Count == 0;
}

/// <summary>
/// Proves an image's environment is exactly the union of its chain's locks (<see cref="ExpectedPrefix"/>): every file
/// each package installs is there with its sha256 and size (a link with its target); each package's
/// <c>conda-meta/&lt;dist&gt;.json</c> names the lock's record (name, version, build, URL, and sha256 and md5 where it
/// records them) and lists exactly the package's files; and nothing else lies under the prefix, except what an
/// installer itself writes: <c>conda-meta/history</c>, and the <c>__pycache__/*.pyc</c> of a package's own
/// <c>.py</c> files (conda and micromamba compile them at link time; Beacon's builder does not). Folders are not
/// compared. Files outside the prefix belong to the base image and are not this proof's business.
/// </summary>
public static partial class PrefixProof
{
    public static PrefixProofResult Check(ExpectedPrefix expected, ImagePrefix image)
    {
        var findings = new List<ProofFinding>();
        foreach (var (path, (want, package)) in expected.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var dist = package.Record.DistString;
            if (!image.TryGet(path, out var have))
            {
                findings.Add(new ProofFinding(dist, path, "missing from the image"));
            }
            else if (have.DiffersOnlyInMode(want))
            {
                findings.Add(new ProofFinding(dist, path, want.Executable
                    ? "not executable in the image; the package installs it executable"
                    : "executable in the image; the package installs it not executable"));
            }
            else if (have != want)
            {
                findings.Add(new ProofFinding(dist, path, $"the image has {have}; the package installs {want}"));
            }
        }
        var records = new HashSet<string>(StringComparer.Ordinal) { "conda-meta/history" };
        foreach (var package in expected.Packages)
        {
            var path = $"conda-meta/{package.Record.DistString}.json";
            records.Add(path);
            findings.AddRange(CheckRecord(package, path, image, expected));
        }
        foreach (var path in image.Paths.Where(p => !expected.Files.ContainsKey(p) && !records.Contains(p)).OrderBy(p => p, StringComparer.Ordinal))
        {
            if (IsCompiledSource(path, expected))
            {
                continue;
            }
            findings.Add(path.StartsWith("conda-meta/", StringComparison.Ordinal) && path.EndsWith(".json", StringComparison.Ordinal) && path.IndexOf('/', 11) < 0
                ? new ProofFinding(null, path, "a package record no lock of the chain holds")
                : new ProofFinding(null, path, "belongs to no package of the locks"));
        }
        return new PrefixProofResult(findings, expected.Packages.Count, expected.Files.Count);
    }

    private static IEnumerable<ProofFinding> CheckRecord(ExpectedPackage package, string path, ImagePrefix image, ExpectedPrefix expected)
    {
        var record = package.Record;
        var dist = record.DistString;
        if (image.Record(path) is not { } bytes)
        {
            yield return new ProofFinding(dist, path, image.TryGet(path, out _) ? "not a readable package record" : "missing: the package is not installed as a package");
            yield break;
        }
        if (Parse(bytes) is not { ValueKind: JsonValueKind.Object } root)
        {
            yield return new ProofFinding(dist, path, "not a JSON object");
            yield break;
        }
        foreach (var (field, want, required) in new (string, string?, bool)[]
        {
            ("name", record.Name, true), ("version", record.Version.Text, true), ("build", record.Build, true), ("url", record.Url, true),
            ("sha256", record.Sha256, false), ("md5", record.Md5, false),
        })
        {
            var have = root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (have is null ? required : want is not null && !string.Equals(have, want, field is "sha256" or "md5" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            {
                yield return new ProofFinding(dist, path, $"says {field} '{Printable.Of(have ?? "(none)")}'; the lock's record says '{Printable.Of(want ?? "(none)")}'");
            }
        }
        if (!root.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
        {
            yield return new ProofFinding(dist, path, "lists no files");
            yield break;
        }
        var listed = files.EnumerateArray().Select(f => f.ValueKind == JsonValueKind.String ? f.GetString()! : "").ToHashSet(StringComparer.Ordinal);
        var own = package.Files.ToHashSet(StringComparer.Ordinal);
        foreach (var file in own.Where(f => !listed.Contains(f)).Order(StringComparer.Ordinal).Take(5))
        {
            yield return new ProofFinding(dist, path, $"does not list '{Printable.Of(file)}', which the package installs");
        }
        foreach (var file in listed.Where(f => !own.Contains(f) && !IsCompiledSource(f, expected)).Order(StringComparer.Ordinal).Take(5))
        {
            yield return new ProofFinding(dist, path, $"lists '{Printable.Of(file)}', which the package does not install");
        }
    }

    private static JsonElement? Parse(byte[] bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A .pyc Python compiled from a package's own .py: <c>dir/__pycache__/mod.cpython-311.pyc</c> for <c>dir/mod.py</c>.</summary>
    private static bool IsCompiledSource(string path, ExpectedPrefix expected) =>
        CompiledPython().Match(path) is { Success: true } m && expected.Files.ContainsKey(m.Groups[1].Value + m.Groups[2].Value + ".py");

    [GeneratedRegex(@"^(.*?)__pycache__/([A-Za-z0-9_]+)\.[a-z]+-[0-9]+(?:\.opt-[12])?\.pyc$")]
    private static partial Regex CompiledPython();
}
