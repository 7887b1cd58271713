using Beacon.Conda.Channels;
using Beacon.Conda.Records;
using Beacon.Conda.Repodata;
using Beacon.Layers.Loading;

namespace Beacon.Layers.Locking;

/// <summary>A channel could not be read: the run stops and nothing is written.</summary>
public sealed class LockChannelException(string message) : Exception(message);

/// <summary>
/// The repodata of the channels the layers use (the tree's platform and noarch), each read once through beacon.yaml's
/// mirrors, with every record findable by the URL a lock records for it (the channel's canonical URL). What
/// <c>lock</c> solves against and what the gate verifies locks against are the same records.
/// </summary>
public sealed class ChannelIndex
{
    private readonly Dictionary<string, ChannelData> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PackageRecord> _byUrl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LeftOutRecord> _leftOut = new(StringComparer.Ordinal);

    private ChannelIndex()
    {
    }

    /// <summary>Loads every channel the given layers (default: all) use; a channel that cannot be read stops it.</summary>
    public static async Task<ChannelIndex> LoadAsync(Workspace workspace, ChannelLoader loader, IEnumerable<string>? layers = null,
        CancellationToken cancellationToken = default)
    {
        var index = new ChannelIndex();
        var names = (layers ?? workspace.Tree.TopologicalOrder.Select(l => l.Name))
            .SelectMany(workspace.Tree.EffectiveChannels).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var resolved = ChannelResolver.Resolve(name, workspace.Settings, workspace.Root);
            ChannelData data;
            try
            {
                data = await loader.LoadAsync(resolved.Location, [.. workspace.Tree.Platforms, Conda.Specs.Subdirs.NoArch], name, resolved.Url,
                    cancellationToken: cancellationToken);
            }
            catch (RepodataException e)
            {
                throw new LockChannelException($"channel '{name}' ({resolved.Location}): {e.Message}");
            }
            index._byName[name] = data;
            foreach (var record in data.Records)
            {
                index._byUrl[record.Url] = record;
            }
            foreach (var record in data.LeftOut)
            {
                index._leftOut[$"{data.Url}/{record.Subdir}/{record.FileName}"] = record;
            }
        }
        return index;
    }

    /// <summary>The records of a channel named in a layer (it must have been loaded).</summary>
    public ChannelData Channel(string name) => _byName[name];

    /// <summary>The channel's URL as locks record it.</summary>
    public string Url(string name) => _byName[name].Url;

    /// <summary>The channels read, by name.</summary>
    public IEnumerable<ChannelData> Channels => _byName.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value);

    /// <summary>Why the channel left out the record at this URL, or null when it did not.</summary>
    public LeftOutRecord? LeftOut(string url) => _leftOut.GetValueOrDefault(url);

    /// <summary>The record a lock line names, or null when no loaded channel has that package file.</summary>
    public PackageRecord? Find(string url) => _byUrl.GetValueOrDefault(url);
}
