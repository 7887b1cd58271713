using Beacon.Conda.Records;
using Beacon.Conda.Repodata;

namespace Beacon.Conda.Channels;

/// <summary>
/// One channel opened for the subdirs asked for (platform + noarch), each read whole or by shards. Records are asked
/// for by package name: <see cref="LoadAsync"/> first, then <see cref="Named"/>; <see cref="ReachAsync"/> loads what a
/// solve can reach. Records left out by the channel's reader (<see cref="LeftOut"/>) cover what was read so far.
/// </summary>
public sealed class ChannelSource(string name, string url, IReadOnlyList<SubdirRecords> subdirs, RepodataReader reader)
{
    /// <summary>The channel's name in specs (conda-forge).</summary>
    public string Name { get; } = name;

    /// <summary>The channel URL records carry (and locks record).</summary>
    public string Url { get; } = url;

    public IReadOnlyList<SubdirRecords> Subdirs { get; } = subdirs;

    /// <summary>What the channel's records are a function of: its URL and each subdir's <see cref="SubdirRecords.ContentId"/>.</summary>
    public string ContentId => string.Join(" ", Subdirs.Select(s => $"{s.Subdir}={s.ContentId}").Prepend(Url));

    /// <summary>Whether some subdir is read by shards.</summary>
    public bool Sharded => Subdirs.Any(s => !s.Complete);

    public IReadOnlyList<LeftOutRecord> LeftOut => reader.LeftOut;

    /// <summary>Loads the names in every subdir, one subdir after the other: they share the channel's reader, which is not thread-safe.</summary>
    public async Task LoadAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken = default)
    {
        foreach (var subdir in Subdirs)
        {
            await subdir.LoadAsync(names, cancellationToken);
        }
    }

    public bool IsLoaded(string name) => Subdirs.All(s => s.IsLoaded(name));

    /// <summary>A loaded name's records, the subdirs in the order they were opened (platform, then noarch).</summary>
    public IReadOnlyList<PackageRecord> Named(string name) =>
        Subdirs.Count == 1 ? Subdirs[0].Named(name) : Subdirs.SelectMany(s => s.Named(name)).ToList();

    /// <summary>The record of a package file, when its name is loaded and the channel has the file (see <see cref="SubdirRecords.Find"/>).</summary>
    public PackageRecord? Find(string subdir, string fileName, string? name = null) =>
        Subdirs.FirstOrDefault(s => s.Subdir == subdir)?.Find(fileName, name);

    /// <summary>Every record of the channel: for a sharded channel, every shard is read (small channels, full solves).</summary>
    public async Task<IReadOnlyList<PackageRecord>> AllAsync(CancellationToken cancellationToken = default)
    {
        var records = new List<PackageRecord>();
        foreach (var subdir in Subdirs)
        {
            if (subdir is WholeSubdir whole)
            {
                records.AddRange(whole.Records);
                continue;
            }
            var names = subdir.Names.Order(StringComparer.Ordinal).ToList();
            await subdir.LoadAsync(names, cancellationToken);
            records.AddRange(names.SelectMany(subdir.Named));
        }
        return records;
    }

    /// <summary>
    /// Loads every name a solve from <paramref name="roots"/> can reach across these channels (the names in the
    /// depends of every record read, breadth first), and returns each channel's records of those names, in the order
    /// the channels were given. Constrains reach nothing: they only narrow what something else installs.
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyList<PackageRecord>>> ReachAsync(IReadOnlyList<ChannelSource> channels, IEnumerable<string> roots,
        Func<PackageRecord, bool>? keep = null, CancellationToken cancellationToken = default)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var frontier = roots.Where(n => !n.StartsWith("__", StringComparison.Ordinal) && reached.Add(n)).ToList();
        while (frontier.Count > 0)
        {
            await Task.WhenAll(channels.Select(c => c.LoadAsync(frontier, cancellationToken)));
            var next = new List<string>();
            foreach (var name in frontier)
            {
                foreach (var channel in channels)
                {
                    foreach (var record in channel.Named(name))
                    {
                        if (keep is not null && !keep(record))
                        {
                            continue;
                        }
                        foreach (var depend in record.Depends)
                        {
                            if (Specs.SpecCache.NameOf(depend) is { } dependName && !dependName.StartsWith("__", StringComparison.Ordinal) && reached.Add(dependName))
                            {
                                next.Add(dependName);
                            }
                        }
                    }
                }
            }
            frontier = next;
        }
        var ordered = reached.Order(StringComparer.Ordinal).ToList();
        return channels.Select(c => (IReadOnlyList<PackageRecord>)c.Subdirs
            .SelectMany(s => ordered.SelectMany(s.Named))
            .Where(r => keep is null || keep(r)).ToList()).ToList();
    }
}
