using Beacon.Images.Rendering;
using Beacon.Pulumi.Model;

namespace Beacon.Pulumi.Targets;

/// <summary>The plan's workloads as Kubernetes resources through one kubernetes provider.</summary>
public static class KubernetesResources
{
    /// <param name="context">The synthesis context.</param>
    /// <param name="provider">The kubernetes provider resource name.</param>
    /// <param name="repository">layer → its repository in a registry the stack creates (a ${...} output); null keeps the planned references.</param>
    public static void Emit(SynthesisContext context, string provider, Func<string, string>? repository = null)
    {
        var program = context.Program;
        Func<string, string>? image = repository is null ? null : planned =>
        {
            var match = context.Plan.Images.FirstOrDefault(i => i.Reference.ToString() == planned);
            return match is null ? planned : $"{repository(match.Layer)}:{match.Context.Tag}";
        };
        foreach (var obj in WorkloadObjects.For(context.Plan))
        {
            var spec = obj.Spec;
            if (image is not null)
            {
                spec = RewriteImages(spec, image);
            }
            var name = obj.Kind == "Namespace" ? $"ns-{obj.Name}" : $"{obj.Kind.ToLowerInvariant()}-{obj.Namespace}-{obj.Name}";
            var depends = obj.Kind == "Namespace" ? null : new List<object> { PulumiProgram.Ref($"ns-{obj.Namespace}") };
            program.Resource(name, obj.PulumiType, new Map().Add("metadata", obj.Metadata).Add("spec", spec.Count == 0 ? null : spec),
                new Map().Add("provider", PulumiProgram.Ref(provider)).Add("dependsOn", depends));
        }
    }

    /// <summary>Replaces every container "image" value, leaving the rest of the object as it is.</summary>
    private static Map RewriteImages(Map map, Func<string, string> image)
    {
        var copy = new Map();
        foreach (var (k, v) in map)
        {
            copy.Add(k, k == "image" && v is string s ? image(s) : Rewrite(v, image));
        }
        return copy;
    }

    private static object? Rewrite(object? value, Func<string, string> image) => value switch
    {
        Map m => RewriteImages(m, image),
        string => value,
        System.Collections.IEnumerable list => list.Cast<object?>().Select(v => Rewrite(v, image)).ToList(),
        _ => value,
    };
}
