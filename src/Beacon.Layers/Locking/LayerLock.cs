using System.Security.Cryptography;
using System.Text;
using Beacon.Conda.Locks;
using Beacon.Conda.Records;

namespace Beacon.Layers.Locking;

/// <summary>
/// A layer's lock (<c>layers/&lt;name&gt;.lock</c>): conda's explicit format, so <c>micromamba create -f</c> installs
/// it, with a versioned header Beacon reads back: the layer, its parent and the SHA-256 of the parent's lock, the
/// SHA-256 of the layer's inputs, and the virtual-package requirements of the locked records (so the gate can check
/// them offline, without repodata).
/// </summary>
public sealed class LayerLock(ExplicitLock file)
{
    private Dictionary<string, List<LockedPackage>>? _byName;
    private readonly Dictionary<string, PackageRecord[]> _records = new(StringComparer.Ordinal);

    public ExplicitLock File { get; } = file;

    public const int SchemaVersion = 1;
    public const string SchemaKey = "beacon-lock";
    public const string LayerKey = "layer";
    public const string ParentKey = "parent";
    public const string ParentLockKey = "parent-lock-sha256";
    public const string InputsKey = "inputs-sha256";
    public const string VirtualKey = "requires-virtual";
    public const string ConstrainsVirtualKey = "constrains-virtual";
    /// <summary>A root's base image as it was resolved when locked: <c>name[:tag]@sha256:…</c> (<see cref="BaseImagePins"/>).</summary>
    public const string BaseImageKey = "base-image";

    public string? Layer => File.Get(LayerKey);
    public string? Parent => File.Get(ParentKey);
    public string? ParentLockSha256 => File.Get(ParentLockKey);
    public string? InputsSha256 => File.Get(InputsKey);
    public string? Schema => File.Get(SchemaKey);
    public string? BaseImage => File.Get(BaseImageKey);
    public IReadOnlyList<LockedPackage> Packages => File.Packages;

    /// <summary>
    /// The locked records of one package name (usually one), as solver records for MatchSpec checks. The packages are
    /// grouped by name once per lock, and records are made only for the names asked: routing asks for every workload
    /// requirement in every layer, the gate for a layer's own dependencies.
    /// </summary>
    public IReadOnlyList<PackageRecord> Named(string name)
    {
        lock (_records)
        {
            if (_records.TryGetValue(name, out var known))
            {
                return known;
            }
            if (_byName is null)
            {
                _byName = new Dictionary<string, List<LockedPackage>>(StringComparer.Ordinal);
                foreach (var p in File.Packages)
                {
                    if (!_byName.TryGetValue(p.Name, out var list))
                    {
                        _byName[p.Name] = list = [];
                    }
                    list.Add(p);
                }
            }
            var records = _byName.TryGetValue(name, out var packages) ? packages.Select(p => p.ToRecord()).ToArray() : [];
            _records[name] = records;
            return records;
        }
    }

    /// <summary>Virtual packages the records depend on, e.g. "__cuda", "__glibc >=2.17,<3.0.a0": the target must have them.</summary>
    public IReadOnlyList<string> VirtualRequirements => List(VirtualKey);

    /// <summary>Constraints on virtual packages, e.g. "__cuda >=12.0": they hold whenever the target has that package.</summary>
    public IReadOnlyList<string> VirtualConstraints => List(ConstrainsVirtualKey);

    private IReadOnlyList<string> List(string key) =>
        File.Get(key) is { Length: > 0 } v ? v.Split("; ", StringSplitOptions.RemoveEmptyEntries) : [];

    /// <param name="baseImage">A root's base image pinned by digest; null for a child.</param>
    public static LayerLock Create(string platform, string layer, string? parent, string? parentLockSha256, string inputsSha256,
        IReadOnlyList<PackageRecord> records, string? baseImage = null)
    {
        var metadata = new List<KeyValuePair<string, string>>
        {
            new(SchemaKey, SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(LayerKey, layer),
        };
        if (parent is not null)
        {
            metadata.Add(new(ParentKey, parent));
            metadata.Add(new(ParentLockKey, parentLockSha256 ?? ""));
        }
        metadata.Add(new(InputsKey, inputsSha256));
        if (baseImage is not null)
        {
            metadata.Add(new(BaseImageKey, baseImage));
        }
        var requires = VirtualSpecs(records.SelectMany(r => r.Depends));
        if (requires.Count > 0)
        {
            metadata.Add(new(VirtualKey, string.Join("; ", requires)));
        }
        var constrains = VirtualSpecs(records.SelectMany(r => r.Constrains));
        if (constrains.Count > 0)
        {
            metadata.Add(new(ConstrainsVirtualKey, string.Join("; ", constrains)));
        }
        return new LayerLock(ExplicitLock.FromRecords(platform, records, metadata));
    }

    private static List<string> VirtualSpecs(IEnumerable<string> specs) => specs
        .Where(d => d.StartsWith("__", StringComparison.Ordinal))
        .Select(d => Conda.Specs.MatchSpec.TryParse(d) is { Success: true } s ? s.Value.ToString() : d)
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToList();

    public string Text() => File.Write();

    public static string Sha256Of(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
