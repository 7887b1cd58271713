using Beacon.Conda.Channels;
using Beacon.Conda.Records;
using Beacon.Conda.Repodata;
using Beacon.Layers.Loading;

namespace Beacon.Layers.Locking;

/// <summary>A channel could not be read: the run stops and nothing is written.</summary>
public sealed class LockChannelException(string message) : Exception(message);

/// <summary>
/// The channels the layers use (the tree's platforms and noarch), each opened once through beacon.yaml's mirrors,
/// with every record findable by the URL a lock records for it (the channel's canonical URL). What <c>lock</c> solves
/// against and what the gate verifies locks against are the same records. A sharded channel is read by package name:
/// callers load the names they will ask about (<see cref="LoadLocksAsync"/>, <see cref="ReachAsync"/>) first.
/// </summary>
public sealed class ChannelIndex
{
    private readonly Dictionary<string, ChannelSource> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChannelSource> _byUrl = new(StringComparer.Ordinal);

    private ChannelIndex()
    {
    }

    /// <summary>Opens every channel the given layers (default: all) use; a channel that cannot be read stops it.</summary>
    public static async Task<ChannelIndex> LoadAsync(Workspace workspace, ChannelLoader loader, IEnumerable<string>? layers = null,
        CancellationToken cancellationToken = default)
    {
        var index = new ChannelIndex();
        var names = (layers ?? workspace.Tree.TopologicalOrder.Select(l => l.Name))
            .SelectMany(workspace.Tree.EffectiveChannels).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var resolved = ChannelResolver.Resolve(name, workspace.Settings, workspace.Root);
            ChannelSource source;
            try
            {
                source = await loader.OpenAsync(resolved.Location, [.. workspace.Tree.Platforms, Conda.Specs.Subdirs.NoArch], name, resolved.Url,
                    cancellationToken: cancellationToken);
            }
            catch (RepodataException e)
            {
                throw Unreadable(name, resolved.Location, e);
            }
            index._byName[name] = source;
            index._byUrl[source.Url.TrimEnd('/')] = source;
        }
        return index;
    }

    private static LockChannelException Unreadable(string name, string location, RepodataException e) =>
        new($"channel '{name}' ({location}): {e.Message}");

    /// <summary>
    /// Loads, in every channel, the package names these locks hold (by record and by file name), so that
    /// <see cref="Find"/> and <see cref="Named"/> can answer for every line of them.
    /// </summary>
    public Task LoadLocksAsync(IEnumerable<Conda.Locks.LockedPackage> packages, CancellationToken cancellationToken = default) =>
        LoadNamesAsync(packages.SelectMany(p => new[] { p.Name, PackageFileName.NameOf(p.FileName) })
            .OfType<string>().ToHashSet(StringComparer.Ordinal), cancellationToken);

    /// <summary>Loads these package names in every channel.</summary>
    public async Task LoadNamesAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken = default)
    {
        foreach (var (name, source) in _byName)
        {
            try
            {
                await source.LoadAsync(names, cancellationToken);
            }
            catch (RepodataException e)
            {
                throw Unreadable(name, source.Url, e);
            }
        }
    }

    /// <summary>
    /// The records a solve over these channels (in priority order) can reach from <paramref name="roots"/>, only
    /// those installable on <paramref name="platform"/>: one list per channel (see <see cref="ChannelSource.ReachAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<PackageRecord>>> ReachAsync(IReadOnlyList<string> channels, string platform, IEnumerable<string> roots,
        CancellationToken cancellationToken = default)
    {
        try
        {
            return await ChannelSource.ReachAsync(channels.Select(c => _byName[c]).ToList(), roots,
                r => Conda.Specs.Subdirs.InstallsOn(r.Subdir, platform), cancellationToken);
        }
        catch (RepodataException e)
        {
            throw new LockChannelException($"channels {string.Join(", ", channels)}: {e.Message}");
        }
    }

    /// <summary>The channel's URL as locks record it.</summary>
    public string Url(string name) => _byName[name].Url;

    /// <summary>The channels opened, by name.</summary>
    public IEnumerable<ChannelSource> Channels => _byName.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value);

    /// <summary>A loaded package name's records in a channel.</summary>
    public IReadOnlyList<PackageRecord> Named(string channel, string name) => _byName[channel].Named(name);

    /// <summary>Why the channel left out the record at this URL, or null when it did not (or has not read it).</summary>
    public LeftOutRecord? LeftOut(string url) =>
        Split(url) is var (source, subdir, fileName) ? source.LeftOut.FirstOrDefault(r => r.Subdir == subdir && r.FileName == fileName) : null;

    /// <summary>
    /// The record a lock line names, or null when no channel has that package file (among the names loaded: the lock's
    /// own, see <see cref="LoadLocksAsync"/>). <paramref name="name"/> is the line's package name.
    /// </summary>
    public PackageRecord? Find(string url, string? name = null) =>
        Split(url) is var (source, subdir, fileName) ? source.Find(subdir, fileName, name) : null;

    /// <summary>A package URL as channel (one of ours), subdir and file name.</summary>
    private (ChannelSource Source, string Subdir, string FileName)? Split(string url)
    {
        var file = url.LastIndexOf('/');
        var sub = file <= 0 ? -1 : url.LastIndexOf('/', file - 1);
        if (sub <= 0 || !_byUrl.TryGetValue(url[..sub], out var source))
        {
            return null;
        }
        return (source, url[(sub + 1)..file], url[(file + 1)..]);
    }
}
