using Beacon.Conda;
using Beacon.Conda.Channels;
using Beacon.Conda.Locks;
using Beacon.Conda.Packages;
using Beacon.Conda.Records;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;

namespace Beacon.Oci.Building;

/// <summary>
/// What a layer's image installs on top of its parent's, as the oci builder installs it and as <c>beacon verify</c>
/// re-derives it: the packages its lock has and its parent's lock lacks, each found in the channel its URL names (never
/// trusted from the lock alone), fetched and checked against the channel's sha256 and size (<see cref="PackageCache"/>),
/// and the install request conda-meta is written from. One place, so a build and a proof cannot disagree.
/// </summary>
public sealed class LayerPackages(Workspace workspace, ChannelIndex channels, PackageCache cache)
{
    private readonly IReadOnlyDictionary<string, string> _locations = workspace.Tree.TopologicalOrder
        .SelectMany(l => workspace.Tree.EffectiveChannels(l.Name)).Distinct(StringComparer.Ordinal)
        .Select(name => ChannelResolver.Resolve(name, workspace.Settings, workspace.Root))
        .ToDictionary(c => c.Url, c => c.Location, StringComparer.Ordinal);

    public Workspace Workspace => workspace;

    public PackageCache Cache => cache;

    /// <summary>The packages <paramref name="layer"/>'s lock adds to its parent's lock (by URL), in lock order.</summary>
    public static IReadOnlyList<LockedPackage> Own(LayerLock layer, LayerLock? parent)
    {
        var inherited = parent?.Packages.Select(p => p.Url).ToHashSet(StringComparer.Ordinal) ?? [];
        return layer.Packages.Where(p => !inherited.Contains(p.Url)).ToList();
    }

    /// <summary>Each package's channel record, fetched, verified and extracted (in the order given).</summary>
    /// <param name="updates">Told each download's bytes and, under <paramref name="layer"/>'s key, how many packages are ready.</param>
    public async Task<IReadOnlyList<(PackageRecord Record, string Extracted)>> FetchAsync(IReadOnlyList<LockedPackage> packages,
        Action<string>? progress, IProgress<ProgressUpdate>? updates, string layer, CancellationToken ct)
    {
        await channels.LoadLocksAsync(packages, ct);
        var extracted = new List<(PackageRecord, string)>();
        var key = "packages:" + layer;
        var label = $"{layer}: packages";
        updates?.Report(new ProgressUpdate(key, label, ProgressUnit.Packages, 0, packages.Count, packages.Count == 0));
        foreach (var p in packages)
        {
            var record = channels.Find(p.Url, p.Name) ?? throw new PackageFetchException($"{p.Url} is not in its channel");
            progress?.Invoke($"  fetching {record.FileName}");
            var archive = await cache.FetchAsync(record, _locations.GetValueOrDefault(record.Channel) ?? record.Channel, updates, ct);
            extracted.Add((record, cache.Extract(archive, record.FileName)));
            updates?.Report(new ProgressUpdate(key, label, ProgressUnit.Packages, extracted.Count, packages.Count, extracted.Count == packages.Count));
        }
        return extracted;
    }

    /// <summary>How the layer's packages are installed under <paramref name="root"/>, on top of what its parents installed.</summary>
    public InstallRequest Request(string layer, LayerLock lockFile, string root, EnvironmentState state)
    {
        var python = lockFile.Packages.FirstOrDefault(p => p.Name == "python")?.Version.Text.Split('.') is { Length: >= 2 } v ? $"{v[0]}.{v[1]}" : null;
        var requested = workspace.Tree[layer].Dependencies.GroupBy(d => d.Spec.Name).ToDictionary(g => g.Key, g => g.First().Text, StringComparer.Ordinal);
        return new InstallRequest(root, workspace.Tree.PrefixOf(layer), python, requested, state.Files, state.History, layer);
    }
}
