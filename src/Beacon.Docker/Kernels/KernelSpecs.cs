using System.Text.Json;
using System.Text.Json.Serialization;
using Beacon.Conda;
using Beacon.Layers.Validation;

namespace Beacon.Docker.Kernels;

/// <summary>
/// One Jupyter kernelspec per layer (<c>kernels/beacon-&lt;layer&gt;/kernel.json</c>): JupyterLab, Notebook and VS Code
/// read the same folders, so every layer shows up as a kernel ("Beacon · gpu-ml"). The argv starts
/// <c>beacon kernel launch</c>, which runs the layer's image with the connection file mounted and its ports published.
/// </summary>
public sealed record KernelSpec(string Name, string Layer, string Stack, string DisplayName, IReadOnlyList<string> Argv)
{
    public const string NamePrefix = "beacon-";

    public static KernelSpec For(string layer, string stack, string repositoryRoot, IReadOnlyList<string> beaconCommand)
    {
        if (!Names.IsDnsLabel(layer) || !Names.IsDnsLabel(stack))
        {
            throw new ArgumentException("layer and stack names are DNS labels");
        }
        return new KernelSpec(NamePrefix + layer, layer, stack, $"Beacon · {layer}",
            [.. beaconCommand, "kernel", "launch", "--layer", layer, "--stack", stack, "--repo", repositoryRoot, "{connection_file}"]);
    }
}

/// <summary>Where kernelspecs live, as Jupyter looks for them (jupyter_core's data directories).</summary>
public static class KernelDirectories
{
    /// <summary>The user's: $JUPYTER_DATA_DIR/kernels, else ~/.local/share/jupyter/kernels (~/Library/Jupyter/kernels on macOS).</summary>
    public static string User(Func<string, string?> environment)
    {
        if (environment("JUPYTER_DATA_DIR") is { Length: > 0 } data)
        {
            return Path.Combine(data, "kernels");
        }
        var home = environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return OperatingSystem.IsMacOS() ? Path.Combine(home, "Library", "Jupyter", "kernels")
            : Path.Combine(environment("XDG_DATA_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".local", "share"), "jupyter", "kernels");
    }

    /// <summary>An environment's: &lt;prefix&gt;/share/jupyter/kernels (what <c>jupyter kernelspec install --prefix</c> uses).</summary>
    public static string Prefix(string prefix) => Path.Combine(prefix, "share", "jupyter", "kernels");
}

/// <summary>Installs, lists and removes Beacon's kernelspecs in one kernels folder; other kernels there are never touched.</summary>
public static class KernelSpecStore
{
    public static IReadOnlyList<string> Install(string kernelsDirectory, IEnumerable<KernelSpec> specs)
    {
        var files = specs.Select(s => new KeyValuePair<string, byte[]>(Path.Combine(kernelsDirectory, s.Name, "kernel.json"),
            JsonSerializer.SerializeToUtf8Bytes(new KernelJson(s.Argv.ToList(), s.DisplayName, "python", "message",
                new KernelMetadata(new BeaconKernelMetadata(s.Layer, s.Stack))), KernelJsonContext.Default.KernelJson))).ToList();
        AtomicFile.WriteAll(files);
        return files.Select(f => f.Key).ToList();
    }

    /// <summary>Beacon's kernelspecs in the folder (those whose kernel.json carries metadata.beacon), by name.</summary>
    public static IReadOnlyList<KernelSpec> List(string kernelsDirectory)
    {
        var result = new List<KernelSpec>();
        if (!Directory.Exists(kernelsDirectory))
        {
            return result;
        }
        foreach (var dir in Directory.EnumerateDirectories(kernelsDirectory, NamePrefixPattern).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(dir, "kernel.json");
            var info = new FileInfo(file);
            if (!info.Exists || info.LinkTarget is not null || info.Length > 64 * 1024)
            {
                continue;
            }
            try
            {
                var json = JsonSerializer.Deserialize(File.ReadAllBytes(file), KernelJsonContext.Default.KernelJson);
                if (json?.Metadata?.Beacon is { } beacon)
                {
                    result.Add(new KernelSpec(Path.GetFileName(dir), beacon.Layer, beacon.Stack, json.DisplayName, json.Argv));
                }
            }
            catch (JsonException)
            {
                // Not one of ours (or damaged): left alone.
            }
        }
        return result;
    }

    /// <summary>Removes the named Beacon kernelspecs; returns those removed.</summary>
    public static IReadOnlyList<string> Remove(string kernelsDirectory, IEnumerable<string> names)
    {
        var ours = List(kernelsDirectory).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var removed = new List<string>();
        foreach (var name in names.Where(ours.Contains))
        {
            Directory.Delete(Path.Combine(kernelsDirectory, name), recursive: true);
            removed.Add(name);
        }
        return removed;
    }

    private const string NamePrefixPattern = KernelSpec.NamePrefix + "*";
}

internal sealed record KernelJson(
    [property: JsonPropertyName("argv")] List<string> Argv,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("interrupt_mode")] string? InterruptMode,
    [property: JsonPropertyName("metadata")] KernelMetadata? Metadata);

internal sealed record KernelMetadata([property: JsonPropertyName("beacon")] BeaconKernelMetadata? Beacon);

internal sealed record BeaconKernelMetadata([property: JsonPropertyName("layer")] string Layer, [property: JsonPropertyName("stack")] string Stack);

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KernelJson))]
internal sealed partial class KernelJsonContext : JsonSerializerContext;
