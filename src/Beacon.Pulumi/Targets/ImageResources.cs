using Beacon.Images.Rendering;
using Beacon.Images.Building;
using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Pulumi.Model;

namespace Beacon.Pulumi.Targets;

/// <summary>
/// The stack's images. With the docker builder: <c>docker-build:index:Image</c> per layer, in build order, each child
/// built FROM its parent's pushed <c>ref</c> (a build argument) and depending on it; the registry cache is used when
/// the image is pushed. With the oci builder, Beacon pushed the images before <c>pulumi up</c>
/// (<c>beacon build --builder oci</c>): the program builds nothing and resolves each planned identity tag to its
/// digest in the registry (<c>docker:getRegistryImage</c>), so workloads run exactly the image Beacon pushed, and a
/// preview fails while an image is missing.
/// </summary>
public static class ImageResources
{
    public const string Provider = "docker-build-provider";
    public const string RegistryProvider = "docker-provider";

    /// <param name="context">The synthesis context.</param>
    /// <param name="repository">layer → the image repository (without tag), possibly a ${...} interpolation.</param>
    /// <param name="push">Push to the registry (clouds) or load into the local engine.</param>
    /// <param name="registries">Registry credentials, or null.</param>
    public static void Emit(SynthesisContext context, Func<string, object> repository, bool push, object? registries, IReadOnlyList<string>? dependsOn = null)
    {
        if (context.Plan.Builder == ImageBuilderKind.Oci)
        {
            EmitPushed(context);
            return;
        }
        var program = context.Program;
        program.Resource(Provider, "pulumi:providers:docker-build", [], new Map().Add("version", ProviderVersions.DockerBuild));
        foreach (var image in context.Plan.Images)
        {
            var repo = repository(image.Layer);
            var properties = new Map()
                .Add("context", new Map().Add("location", context.ContextPath(image.Layer)))
                .Add("dockerfile", new Map().Add("location", $"{context.ContextPath(image.Layer)}/Dockerfile"))
                .Add("tags", new List<object> { PulumiProgram.Join(repo, ":", image.Tag) })
                .Add("buildArgs", image.Parent is null ? null : new Map().Add(BuildContext.ParentImageArg, PulumiProgram.Ref(Name(image.Parent), "ref")))
                .Add("platforms", image.OciPlatform == "linux/amd64" ? null : new List<object> { image.OciPlatform })
                .Add("push", push)
                .Add("load", push ? null : true)
                .Add("registries", registries);
            if (push)
            {
                var cache = PulumiProgram.Join(repo, ":" + Beacon.Images.Naming.RegistryTags.BuildCache);
                properties.Add("cacheFrom", new List<object> { new Map().Add("registry", new Map().Add("ref", cache)) });
                properties.Add("cacheTo", new List<object> { new Map().Add("registry", new Map().Add("ref", cache).Add("mode", "max")) });
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

    /// <summary>The variable holding the digest of a layer's pushed image (oci builder).</summary>
    public static string DigestName(string layer) => $"digest-{layer}";

    /// <summary>
    /// How a workload names its layer's image: by digest for the oci builder; in a registry the stack creates
    /// (<paramref name="repository"/>, a ${...} output) by its planned tag; otherwise null (the planned reference).
    /// </summary>
    public static Func<PlannedWorkload, object>? WorkloadImage(SynthesisContext context, Func<string, object>? repository)
    {
        var plan = context.Plan;
        if (plan.Builder == ImageBuilderKind.Oci)
        {
            return w => PulumiProgram.Join($"{plan.Registry}/{w.Layer}", "@", PulumiProgram.Ref(DigestName(w.Layer)));
        }
        if (repository is null)
        {
            return null;
        }
        var tags = plan.Images.ToDictionary(i => i.Layer, i => i.Tag, StringComparer.Ordinal);
        return w => PulumiProgram.Join(repository(w.Layer), ":", tags[w.Layer]);
    }

    /// <summary>Names what a local compose project waits for: the image resources, or the resolved digests (oci).</summary>
    public static IEnumerable<object> Prerequisites(SynthesisContext context, IEnumerable<string> layers) =>
        context.Plan.Builder == ImageBuilderKind.Oci ? [] : layers.Select(l => (object)PulumiProgram.Ref(Name(l)));

    private static void EmitPushed(SynthesisContext context)
    {
        var program = context.Program;
        // Credentials for the named registry come from Pulumi config (`pulumi config set beacon:registryUsername ...`,
        // `pulumi config set --secret beacon:registryPassword ...`), never from files Beacon writes.
        program.Config("registryUsername", "string");
        program.Config("registryPassword", "string", secret: true);
        program.Resource(RegistryProvider, "pulumi:providers:docker", new Map().Add("registryAuth", new List<object>
        {
            new Map().Add("address", context.Plan.Registry.Split('/')[0])
                .Add("username", PulumiProgram.Ref("registryUsername"))
                .Add("password", PulumiProgram.Ref("registryPassword")),
        }), new Map().Add("version", ProviderVersions.Docker));
        foreach (var image in context.Plan.Images)
        {
            program.Variable(DigestName(image.Layer), new Map().Add("fn::invoke", new Map()
                .Add("function", "docker:index/getRegistryImage:getRegistryImage")
                .Add("arguments", new Map().Add("name", image.Reference.ToString()))
                .Add("options", new Map().Add("provider", PulumiProgram.Ref(RegistryProvider)))
                .Add("return", "sha256Digest")));
        }
        program.Output("images", new Map().Also(m =>
        {
            foreach (var image in context.Plan.Images)
            {
                m.Add(image.Layer, PulumiProgram.Join(image.Reference.Name, "@", PulumiProgram.Ref(DigestName(image.Layer))));
            }
        }));
    }
}
