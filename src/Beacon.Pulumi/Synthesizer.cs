using Beacon.Images.Rendering;
using Beacon.Conda;
using Beacon.Images.Planning;
using Beacon.Pulumi.Model;
using Beacon.Pulumi.Targets;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;

namespace Beacon.Pulumi;

/// <summary>The program for a stack, and the build files it refers to (relative to the repository root).</summary>
public sealed record Synthesis(Plan Plan, string Program, int Resources, IReadOnlyDictionary<string, string> Files);

/// <summary>
/// Turns a stack's plan into a Pulumi YAML program (one target per cloud) and the build contexts and compose files
/// it points at, under <c>.beacon/build/&lt;stack&gt;/</c>. Everything is a pure function of the repository's
/// files: the same inputs give the same bytes.
/// </summary>
public static class Synthesizer
{
    public static Synthesis Synthesize(StackSession session)
    {
        var plan = session.Plan;
        var stack = plan.Stack;
        var program = new PulumiProgram($"Beacon layers for stack {stack.Name} ({stack.Cloud.ToText()}), generated from layers/, workloads/ and stacks/");
        var context = new SynthesisContext(plan, program);
        ICloudTarget target = stack.Cloud switch
        {
            CloudTarget.Local => new LocalTarget(),
            CloudTarget.Kubernetes => new KubernetesTarget(),
            CloudTarget.Aws => new AwsTarget(),
            CloudTarget.Gcp => new GcpTarget(),
            CloudTarget.Azure => new AzureTarget(),
            _ => throw new ArgumentOutOfRangeException(nameof(session)),
        };
        target.Emit(context);

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        // The oci builder needs no build context: Beacon pushed the images before `pulumi up`.
        foreach (var image in plan.Builder == ImageBuilderKind.Docker ? plan.Images : [])
        {
            foreach (var (name, text) in image.Dockerfile.Files)
            {
                files[$"{context.ContextPath(image.Layer)}/{name}"] = text;
            }
        }
        foreach (var group in plan.Groups)
        {
            files[context.ComposePath(group)] = Compose.For(plan, group);
        }
        // Workspaces of a local stack are started by their developers (beacon workspace up), not by `pulumi up`;
        // clusters get them through the workload objects.
        foreach (var ws in stack.Cloud == CloudTarget.Local ? plan.Workspaces : [])
        {
            files[context.ComposePath(ws.ObjectName)] = Compose.ForWorkspace(ws);
        }
        return new Synthesis(plan, program.Render(), program.ResourceCount, files);
    }

    /// <summary>Writes the build files as one set (<see cref="AtomicFile.WriteAll"/>); only files whose content differs are touched.</summary>
    public static void WriteFiles(Workspace workspace, Synthesis synthesis)
    {
        var changed = synthesis.Files
            .Select(f => (Path: workspace.FullPath(f.Key), f.Value))
            .Where(f => !File.Exists(f.Path) || File.ReadAllText(f.Path) != f.Value)
            .Select(f => new KeyValuePair<string, byte[]>(f.Path, AtomicFile.Utf8(f.Value)))
            .ToList();
        if (changed.Count > 0)
        {
            AtomicFile.WriteAll(changed);
        }
    }
}
