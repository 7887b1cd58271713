using Beacon.Images.Rendering;
using Beacon.Images.Building;
using Beacon.Pulumi.Model;

namespace Beacon.Pulumi.Targets;

/// <summary>
/// <c>docker-build:index:Image</c> per layer, in build order: each child builds FROM its parent's pushed <c>ref</c>
/// (a build argument) and depends on it; the registry cache is used when the image is pushed.
/// </summary>
public static class ImageResources
{
    public const string Provider = "docker-build-provider";

    /// <param name="context">The synthesis context.</param>
    /// <param name="repository">layer → the image repository (without tag), possibly a ${...} interpolation.</param>
    /// <param name="push">Push to the registry (clouds) or load into the local engine.</param>
    /// <param name="registries">Registry credentials, or null.</param>
    public static void Emit(SynthesisContext context, Func<string, object> repository, bool push, object? registries, IReadOnlyList<string>? dependsOn = null)
    {
        var program = context.Program;
        program.Resource(Provider, "pulumi:providers:docker-build", [], new Map().Add("version", ProviderVersions.DockerBuild));
        foreach (var image in context.Plan.Images)
        {
            var repo = repository(image.Layer);
            var properties = new Map()
                .Add("context", new Map().Add("location", context.ContextPath(image.Layer)))
                .Add("dockerfile", new Map().Add("location", $"{context.ContextPath(image.Layer)}/Dockerfile"))
                .Add("tags", new List<object> { PulumiProgram.Join(repo, ":", image.Context.Tag) })
                .Add("buildArgs", image.Parent is null ? null : new Map().Add(BuildContext.ParentImageArg, PulumiProgram.Ref(Name(image.Parent), "ref")))
                .Add("push", push)
                .Add("load", push ? null : true)
                .Add("registries", registries);
            if (push)
            {
                properties.Add("cacheFrom", new List<object> { new Map().Add("registry", new Map().Add("ref", PulumiProgram.Join(repo, ":buildcache"))) });
                properties.Add("cacheTo", new List<object> { new Map().Add("registry", new Map().Add("ref", PulumiProgram.Join(repo, ":buildcache")).Add("mode", "max")) });
            }
            var depends = new List<object>();
            if (image.Parent is not null)
            {
                depends.Add(PulumiProgram.Ref(Name(image.Parent)));
            }
            depends.AddRange(dependsOn?.Select(d => (object)PulumiProgram.Ref(d)) ?? []);
            program.Resource(Name(image.Layer), "docker-build:index:Image", properties,
                new Map().Add("provider", PulumiProgram.Ref(Provider)).Add("dependsOn", depends.Count == 0 ? null : depends));
        }
        program.Output("images", new Map().Also(m =>
        {
            foreach (var image in context.Plan.Images)
            {
                m.Add(image.Layer, PulumiProgram.Ref(Name(image.Layer), "ref"));
            }
        }));
    }

    public static string Name(string layer) => $"image-{layer}";
}
