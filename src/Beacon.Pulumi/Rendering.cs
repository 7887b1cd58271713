using Beacon.Conda;
using Beacon.Pulumi.Model;
using Beacon.Pulumi.Targets;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;

namespace Beacon.Pulumi;

/// <summary>
/// <c>beacon render</c>: everything a team without Pulumi needs, as files — build contexts, a compose.yaml per
/// workload group, Kubernetes manifests per group, and the Pulumi program itself.
/// </summary>
public static class Rendering
{
    public static IReadOnlyDictionary<string, string> Files(Workspace workspace, StackDocument stack)
    {
        var synthesis = Synthesizer.Synthesize(workspace, stack);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var prefix = $".beacon/build/{stack.Name}/";
        foreach (var (path, text) in synthesis.Files)
        {
            var rest = path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path;
            files[rest.StartsWith("compose/", StringComparison.Ordinal) ? rest : "build/" + rest] = text;
        }
        foreach (var group in synthesis.Plan.Groups)
        {
            var objects = WorkloadObjects.For(synthesis.Plan).Where(o => o.Name == group && o.Kind == "Namespace" || o.Namespace == group);
            files[$"kubernetes/{group}.yaml"] = string.Join("---\n", objects.Select(o => Yaml.Write(o.Manifest())));
        }
        files["pulumi/Main.yaml"] = synthesis.Program;
        return files;
    }

    public static void Write(string outputDirectory, IReadOnlyDictionary<string, string> files)
    {
        foreach (var (relative, text) in files)
        {
            AtomicFile.WriteAllText(Path.Combine(outputDirectory, relative), text);
        }
    }
}
