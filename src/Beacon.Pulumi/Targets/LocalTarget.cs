using Beacon.Images.Rendering;
using System.Security.Cryptography;
using System.Text;
using Beacon.Pulumi.Model;

namespace Beacon.Pulumi.Targets;

/// <summary>
/// <c>local</c>: images built into the local Docker engine (loaded, not pushed), and each workload group run as a
/// Compose project through <c>command:local:Command</c>, re-run when the compose file's hash changes.
/// </summary>
public sealed class LocalTarget : ICloudTarget
{
    public void Emit(SynthesisContext context)
    {
        var plan = context.Plan;
        ImageResources.Emit(context, layer => $"{plan.Registry}/{layer}", push: false, registries: null);
        context.Program.Resource("command-provider", "pulumi:providers:command", [], new Map().Add("version", ProviderVersions.Command));
        foreach (var group in plan.Groups)
        {
            var compose = Compose.For(plan, group);
            var path = context.ComposePath(group);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(compose)));
            var layers = plan.Workloads.Where(w => w.Group == group).Select(w => w.Layer).Distinct().ToList();
            var images = ImageResources.Prerequisites(context, layers).ToList();
            // The compose file names images by their planned tags; with the oci builder the digests those tags
            // resolve to are triggers too, so a different image under the same tag re-runs compose.
            var triggers = new List<object> { hash };
            if (plan.Builder == Beacon.Layers.Documents.ImageBuilderKind.Oci)
            {
                triggers.AddRange(layers.Select(l => (object)PulumiProgram.Ref(ImageResources.DigestName(l))));
            }
            context.Program.Resource($"compose-{group}", "command:local:Command", new Map()
                .Add("create", $"docker compose -p {group} -f {path} up -d --remove-orphans")
                .Add("update", $"docker compose -p {group} -f {path} up -d --remove-orphans")
                .Add("delete", $"docker compose -p {group} -f {path} down --remove-orphans")
                .Add("triggers", triggers),
                new Map().Add("provider", PulumiProgram.Ref("command-provider")).Add("dependsOn", images.Count == 0 ? null : images));
        }
        context.Program.Output("registry", plan.Registry);
    }
}
