using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Beacon.Conda.Records;
using Beacon.Evidence.Verification;

namespace Beacon.Evidence.Sbom;

/// <summary>One layer of the image's chain: its lock by sha256 and the packages it adds (in lock order).</summary>
public sealed record SbomLayer(string Name, string LockSha256, IReadOnlyList<PackageRecord> Packages);

/// <summary>
/// What an SBOM describes, taken from a proven image (<see cref="ImageVerification"/>): the image by repository and
/// digest, its chain of layers root first with the packages each adds — exactly those the proof found installed —
/// and the root's base image by the digest its lock pins. Only a proven image has an SBOM: one written from what the
/// builder was told could list packages the image does not hold.
/// </summary>
public sealed record SbomSubject(string Repository, string Digest, IReadOnlyList<SbomLayer> Chain, string? BaseImage, string ToolVersion, DateTimeOffset Created)
{
    private Dictionary<string, PackageRecord>? _byName;

    public SbomLayer Layer => Chain[^1];

    /// <summary>The creation time as both formats write it (UTC, whole seconds).</summary>
    public string CreatedText => Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    public IEnumerable<(SbomLayer Layer, PackageRecord Record)> Packages => Chain.SelectMany(l => l.Packages.Select(p => (l, p)));

    /// <summary>This Beacon's version (with its commit), as the documents name their tool.</summary>
    public static string BeaconVersion =>
        typeof(SbomSubject).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <param name="created">When the document says it was made: SOURCE_DATE_EPOCH's time when set (reproducible builds), else the epoch, so the same image gives the same bytes.</param>
    public static SbomSubject From(ImageVerification proof, string repository, DateTimeOffset created)
    {
        if (!proof.Proven || proof.Digest is null)
        {
            throw new InvalidOperationException("an SBOM is written only for an image proven from its registry");
        }
        var expected = proof.Expected;
        var chain = expected.Chain.Select((name, i) => new SbomLayer(name, expected.LockSha256[i],
            expected.Packages.Where(p => p.Layer == name).Select(p => p.Record).ToList())).ToList();
        return new SbomSubject(repository, proof.Digest, chain, expected.BaseImage, BeaconVersion, created);
    }

    /// <summary>The time SOURCE_DATE_EPOCH names, or the epoch (reproducible-builds.org's convention).</summary>
    public static DateTimeOffset CreatedFrom(Func<string, string?> environment) =>
        long.TryParse(environment("SOURCE_DATE_EPOCH"), out var seconds) && seconds is >= 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.UnixEpoch;

    /// <summary>A UUID (version 5 layout) from the image and the locks: the same subject, the same document id.</summary>
    public string Uuid(string salt)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{salt}\n{Repository}@{Digest}\n{string.Join("\n", Chain.Select(l => l.LockSha256))}"));
        hash[6] = (byte)((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3f) | 0x80);
        var hex = Convert.ToHexStringLower(hash, 0, 16);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }

    /// <summary>The packages a record depends on, among those the image holds (virtual packages are not packages).</summary>
    public IReadOnlyList<PackageRecord> DependenciesOf(PackageRecord record)
    {
        var byName = _byName ??= Packages.GroupBy(p => p.Record.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Record, StringComparer.Ordinal);
        return record.Depends.Select(d => d.Split(' ', 2)[0]).Distinct(StringComparer.Ordinal)
            .Where(byName.ContainsKey).Select(n => byName[n]).ToList();
    }
}
