using Beacon.Conda.Channels;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;

namespace Beacon.Catalog.Tests;

/// <summary>The example organisation's catalog (the repository's own layers, locks and stacks), built once.</summary>
internal static class ExampleCatalog
{
    private static readonly Lazy<(Workspace Workspace, CatalogData Data)> Built = new(() =>
    {
        var workspace = WorkspaceLoader.Load(RepoPaths.Root).Workspace!;
        var channels = ChannelIndex.LoadAsync(workspace, new ChannelLoader(null)).GetAwaiter().GetResult();
        // Image tags do not matter here; a fixed commit keeps the test off git.
        var (data, gate) = CatalogBuilder.CreateAsync(workspace, channels, _ => new Dictionary<string, string>()).GetAwaiter().GetResult();
        Assert.True(data is not null, string.Join("\n", gate.Diagnostics));
        return (workspace, data!);
    });

    public static Workspace Workspace => Built.Value.Workspace;
    public static CatalogData Data => Built.Value.Data;

    /// <summary>Writes the catalog into a new temporary folder.</summary>
    public static string WriteTo(CatalogData data)
    {
        var folder = Path.Combine(Path.GetTempPath(), "beacon-catalog-" + Guid.NewGuid().ToString("N")[..12]);
        CatalogSite.Write(data, folder);
        return folder;
    }
}
