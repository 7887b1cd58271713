using System.Text.Json;
using System.Text.Json.Serialization;
using Beacon.Conda;
using Beacon.Layers.Validation;

namespace Beacon.Docker.Kernels;

/// <summary>
/// One Jupyter kernelspec per layer of a repository (<c>kernels/beacon-&lt;organisation&gt;-&lt;layer&gt;/kernel.json</c>):
/// JupyterLab, Notebook and VS Code read the same folders, so every layer shows up as a kernel ("Beacon · acme/gpu-ml").
/// Two repositories' layers of the same name are two kernels: the organisation is in the name and the repository in
/// the metadata, which is what <see cref="KernelSpecStore"/> checks before it overwrites or removes one. The argv starts
/// <c>beacon kernel launch</c>, which runs the layer's image with the connection file mounted and its ports published.
/// </summary>
public sealed record KernelSpec(string Name, string Organisation, string Layer, string Stack, string Repository, string DisplayName, IReadOnlyList<string> Argv)
{
    public const string NamePrefix = "beacon-";

    /// <summary>What a layer's lock must hold for its image to run a kernel: <c>python3 -m ipykernel_launcher</c>.</summary>
    public const string KernelPackage = "ipykernel";

    public static KernelSpec For(string organisation, string layer, string stack, string repositoryRoot, IReadOnlyList<string> beaconCommand)
    {
        if (!Names.IsDnsLabel(organisation) || !Names.IsDnsLabel(layer) || !Names.IsDnsLabel(stack))
        {
            throw new ArgumentException("organisation, layer and stack names are DNS labels");
        }
        return new KernelSpec(NameOf(organisation, layer), organisation, layer, stack, repositoryRoot, DisplayNameOf(organisation, layer),
            [.. beaconCommand, "kernel", "launch", "--layer", layer, "--stack", stack, "--repo", repositoryRoot, "{connection_file}"]);
    }

    public static string NameOf(string organisation, string layer) => $"{NamePrefix}{organisation}-{layer}";

    /// <summary>What JupyterLab and VS Code show for the kernel.</summary>
    public static string DisplayNameOf(string organisation, string layer) => $"Beacon · {organisation}/{layer}";
}

/// <summary>A kernelspec folder Beacon will not write over: another repository's kernel, or not Beacon's at all.</summary>
public sealed class KernelConflictException(string message) : Exception(message);

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

/// <summary>
/// Installs, lists and removes Beacon's kernelspecs in one kernels folder. Other kernels there are never touched, and a
/// repository's kernels are never overwritten or removed on behalf of another repository.
/// </summary>
public static class KernelSpecStore
{
    /// <exception cref="KernelConflictException">A folder of one of the names holds another repository's kernel, or a kernel that is not Beacon's.</exception>
    public static IReadOnlyList<string> Install(string kernelsDirectory, IReadOnlyList<KernelSpec> specs)
    {
        var existing = List(kernelsDirectory).ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (existing.TryGetValue(spec.Name, out var other) && other.Repository != spec.Repository)
            {
                throw new KernelConflictException($"kernel '{spec.Name}' in {kernelsDirectory} belongs to the repository {other.Repository}: " +
                    $"set a different 'organisation:' in beacon.yaml, or remove that one with 'beacon kernels remove --repo {other.Repository}'");
            }
            if (!existing.ContainsKey(spec.Name) && Path.Exists(Path.Combine(kernelsDirectory, spec.Name)))
            {
                throw new KernelConflictException($"{Path.Combine(kernelsDirectory, spec.Name)} exists and is not a Beacon kernel; Beacon leaves it alone (set a different 'organisation:' in beacon.yaml)");
            }
        }
        var files = specs.Select(s => new KeyValuePair<string, byte[]>(Path.Combine(kernelsDirectory, s.Name, "kernel.json"),
            JsonSerializer.SerializeToUtf8Bytes(new KernelJson(s.Argv.ToList(), s.DisplayName, "python", "message",
                new KernelMetadata(new BeaconKernelMetadata(s.Layer, s.Stack, s.Organisation, s.Repository))), KernelJsonContext.Default.KernelJson))).ToList();
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
                    // Kernels written before the repository was recorded name it only in their argv (--repo <root>).
                    var repository = beacon.Repository ?? json.Argv.SkipWhile(a => a != "--repo").Skip(1).FirstOrDefault() ?? "";
                    result.Add(new KernelSpec(Path.GetFileName(dir), beacon.Organisation ?? "", beacon.Layer, beacon.Stack, repository, json.DisplayName, json.Argv));
                }
            }
            catch (JsonException)
            {
                // Not one of ours (or damaged): left alone.
            }
        }
        return result;
    }

    /// <summary>Removes the repository's Beacon kernelspecs (of <paramref name="layers"/> only, when given); returns those removed.</summary>
    public static IReadOnlyList<string> Remove(string kernelsDirectory, string repositoryRoot, IReadOnlyCollection<string>? layers = null)
    {
        var removed = new List<string>();
        foreach (var spec in List(kernelsDirectory).Where(s => s.Repository == repositoryRoot && (layers is null || layers.Contains(s.Layer))))
        {
            Directory.Delete(Path.Combine(kernelsDirectory, spec.Name), recursive: true);
            removed.Add(spec.Name);
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

internal sealed record BeaconKernelMetadata(
    [property: JsonPropertyName("layer")] string Layer,
    [property: JsonPropertyName("stack")] string Stack,
    [property: JsonPropertyName("organisation")] string? Organisation,
    [property: JsonPropertyName("repository")] string? Repository);

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KernelJson))]
internal sealed partial class KernelJsonContext : JsonSerializerContext;
