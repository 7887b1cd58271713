using Beacon.Images.Planning;
using Beacon.Images.Rendering;
using Beacon.Pulumi.Model;

namespace Beacon.Pulumi.Targets;

/// <summary>The plan's workloads as Kubernetes resources through one kubernetes provider.</summary>
public static class KubernetesResources
{
    /// <param name="context">The synthesis context.</param>
    /// <param name="provider">The kubernetes provider resource name.</param>
    /// <param name="repository">layer → its repository in a registry the stack creates (a ${...} output); null keeps the planned references.</param>
    public static void Emit(SynthesisContext context, string provider, Func<string, object>? repository = null)
    {
        var program = context.Program;
        var image = ImageResources.WorkloadImage(context, repository);
        foreach (var obj in WorkloadObjects.For(context.Plan, image))
        {
            var name = obj.Kind == "Namespace" ? $"ns-{obj.Name}" : $"{obj.Kind.ToLowerInvariant()}-{obj.Namespace}-{obj.Name}";
            var depends = obj.Kind == "Namespace" ? null : new List<object> { PulumiProgram.Ref($"ns-{obj.Namespace}") };
            program.Resource(name, obj.PulumiType, new Map().Add("metadata", obj.Metadata).Add("spec", obj.Spec.Count == 0 ? null : obj.Spec),
                new Map().Add("provider", PulumiProgram.Ref(provider)).Add("dependsOn", depends));
        }
    }
}
