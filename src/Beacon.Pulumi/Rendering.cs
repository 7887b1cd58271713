using Beacon.Images.Rendering;
using Beacon.Conda;
using Beacon.Images.Planning;
using Beacon.Pulumi.Model;
using Beacon.Pulumi.Targets;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;

namespace Beacon.Pulumi;

/// <summary>
/// <c>beacon render</c>: everything a team without Pulumi needs, as files — build contexts, a compose.yaml per
/// workload group, Kubernetes manifests per group, the Pulumi program itself, and CODEOWNERS.
/// </summary>
public static class Rendering
{
    public static IReadOnlyDictionary<string, string> Files(StackSession session)
    {
        var synthesis = Synthesizer.Synthesize(session);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var prefix = session.BuildDirectory + "/";
        foreach (var (path, text) in synthesis.Files)
        {
            var rest = path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path;
            files[rest.StartsWith("compose/", StringComparison.Ordinal) ? rest : "build/" + rest] = text;
        }
        foreach (var group in synthesis.Plan.Namespaces)
        {
            var objects = WorkloadObjects.For(synthesis.Plan).Where(o => o.Name == group && o.Kind == "Namespace" || o.Namespace == group);
            files[$"kubernetes/{group}.yaml"] = string.Join("---\n", objects.Select(o => Yaml.Write(o.Manifest())));
        }
        files["pulumi/Main.yaml"] = synthesis.Program;
        // For a repository host that reads CODEOWNERS (copy it to .github/CODEOWNERS).
        files["CODEOWNERS"] = Layers.Ownership.CodeOwners.Render(session.Workspace);
        return files;
    }

    /// <summary>Writes every file or none (<see cref="AtomicFile.WriteAll"/>): a file in the way fails before anything is written.</summary>
    public static void Write(string outputDirectory, IReadOnlyDictionary<string, string> files) =>
        AtomicFile.WriteAll(files.Select(f => new KeyValuePair<string, byte[]>(Path.Combine(outputDirectory, f.Key), AtomicFile.Utf8(f.Value))).ToList());
}
