using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Beacon.Oci.Building;

/// <summary>
/// What an image's conda environment already holds, as its layers' conda-meta records say: each installed path and
/// its package (to report a child's package clobbering a parent's file), and conda-meta/history (which a child's layer
/// rewrites whole, with its own section appended).
/// </summary>
public sealed record EnvironmentState(IReadOnlyDictionary<string, string> Files, string History)
{
    public static readonly EnvironmentState Empty = new(new Dictionary<string, string>(StringComparer.Ordinal), "");

    /// <summary>Adds what one layer installed.</summary>
    public EnvironmentState With(IEnumerable<(string Path, string Package)> files, string history)
    {
        var all = new Dictionary<string, string>(Files, StringComparer.Ordinal);
        foreach (var (path, package) in files)
        {
            all[path] = package;
        }
        return new EnvironmentState(all, history);
    }

    /// <summary>Reads Beacon's layers (gzip tar files, bottom first) of an image already in the registry; only conda-meta/ is held in memory.</summary>
    public static EnvironmentState FromLayers(IEnumerable<string> gzipLayers, string prefix)
    {
        var meta = prefix.TrimStart('/') + "/conda-meta/";
        var state = Empty;
        foreach (var layer in gzipLayers)
        {
            var files = new List<(string, string)>();
            var history = state.History;
            using var gzip = new GZipStream(File.OpenRead(layer), CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } entry)
            {
                var name = entry.Name.TrimStart('.', '/');
                if (!name.StartsWith(meta, StringComparison.Ordinal) || entry.EntryType != TarEntryType.RegularFile || entry.DataStream is null)
                {
                    continue;
                }
                using var data = new MemoryStream();
                entry.DataStream.CopyTo(data);
                if (name == meta + "history")
                {
                    history = Encoding.UTF8.GetString(data.ToArray());
                }
                else if (name.EndsWith(".json", StringComparison.Ordinal))
                {
                    using var doc = JsonDocument.Parse(data.ToArray());
                    var dist = name[meta.Length..^5];
                    if (doc.RootElement.TryGetProperty("files", out var list) && list.ValueKind == JsonValueKind.Array)
                    {
                        files.AddRange(list.EnumerateArray().Select(f => (f.GetString()!, dist)));
                    }
                }
            }
            state = state.With(files, history);
        }
        return state;
    }
}
