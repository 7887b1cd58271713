using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Validation;
using Beacon.Layers.Yaml;

namespace Beacon.Layers.Loading;

/// <summary>The outcome of loading a repository: the workspace when valid, and every diagnostic either way.</summary>
public sealed record LoadResult(Workspace? Workspace, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Success => Workspace is not null && !Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>
/// Loads and validates a repository: the files <see cref="RepositorySources"/> names, then the cross-file rules (tree
/// shape, references between files).
/// </summary>
public static class WorkspaceLoader
{
    public const string SettingsFile = RepositorySources.SettingsFile;

    public static LoadResult Load(string root)
    {
        var bag = new DiagnosticBag();
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
        {
            bag.Error(new SourceLocation(root), DiagnosticCode.UnreadableFile, $"'{root}' is not a folder");
            return new LoadResult(null, bag.Sorted());
        }

        var settings = RepositorySettings.Empty;
        var settingsPath = Path.Combine(root, SettingsFile);
        if (File.Exists(settingsPath) && Parse(root, SettingsFile, bag) is { } settingsNode)
        {
            settings = SettingsReader.Read(SettingsFile, settingsNode, bag);
        }

        var layers = new List<LayerDocument>();
        foreach (var file in YamlFiles(root, RepositorySources.Layers))
        {
            if (Parse(root, file, bag) is { } node && LayerReader.Read(file, node, bag) is { } layer)
            {
                layers.Add(layer);
            }
        }
        if (layers.Count == 0 && !bag.HasErrors)
        {
            bag.Error(new SourceLocation("layers"), DiagnosticCode.NoRoot, "no layer files found under layers/; add layers/core.yaml (see README)");
        }

        var workloads = new List<WorkloadDocument>();
        foreach (var file in YamlFiles(root, RepositorySources.Workloads))
        {
            if (Parse(root, file, bag) is { } node)
            {
                workloads.AddRange(WorkloadReader.Read(file, node, bag));
            }
        }

        var developers = new List<DeveloperDocument>();
        foreach (var file in YamlFiles(root, RepositorySources.Developers))
        {
            if (Parse(root, file, bag) is { } node && DeveloperReader.Read(file, node, bag) is { } developer)
            {
                developers.Add(developer);
            }
        }

        var stacks = new List<StackDocument>();
        foreach (var file in YamlFiles(root, RepositorySources.Stacks))
        {
            if (Parse(root, file, bag) is { } node && StackReader.Read(file, node, bag) is { } stack)
            {
                stacks.Add(stack);
            }
        }

        Policy.PolicyDocument? policy = null;
        if (File.Exists(Path.Combine(root, RepositorySources.Policy)) && Parse(root, RepositorySources.Policy, bag) is { } policyNode)
        {
            policy = PolicyReader.Read(RepositorySources.Policy, policyNode, bag);
        }
        var advisories = new List<Policy.Advisory>();
        foreach (var file in Files(root, RepositorySources.Advisories, ".json"))
        {
            if (SourceText.Read(root, Path.Combine(root, file), file, bag, Policy.Osv.MaxFileBytes, "advisories") is { } text)
            {
                advisories.AddRange(Policy.Osv.Read(file, text, bag));
            }
        }

        var tree = TreeValidator.Validate(layers, bag);
        ReferenceValidator.Validate(layers, workloads, stacks, settings, bag, developers);

        var workspace = tree is null
            ? null
            : new Workspace
            {
                Root = root,
                Settings = settings,
                Tree = tree,
                Workloads = workloads.OrderBy(w => w.Name, StringComparer.Ordinal).ToList(),
                Stacks = stacks.OrderBy(s => s.Name, StringComparer.Ordinal).ToList(),
                Developers = developers.OrderBy(d => d.Name, StringComparer.Ordinal).ToList(),
                Policy = policy,
                Advisories = advisories,
            };
        return new LoadResult(bag.HasErrors ? null : workspace, bag.Sorted());
    }

    private static YamlDotNet.RepresentationModel.YamlNode? Parse(string root, string relative, DiagnosticBag bag)
    {
        var text = SourceText.Read(root, Path.Combine(root, relative), relative, bag);
        return text is null ? null : YamlLoader.Load(text, relative, bag);
    }

    /// <summary>Repository-relative paths of the YAML files directly in <paramref name="folder"/>, in ordinal order.</summary>
    private static IEnumerable<string> YamlFiles(string root, string folder) => Files(root, folder, ".yaml", ".yml");

    private static IEnumerable<string> Files(string root, string folder, params string[] extensions)
    {
        var dir = Path.Combine(root, folder);
        if (!Directory.Exists(dir))
        {
            return [];
        }
        return Directory.EnumerateFiles(dir)
            .Where(f => extensions.Any(e => f.EndsWith(e, StringComparison.Ordinal)))
            .Select(f => folder + "/" + Path.GetFileName(f))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
