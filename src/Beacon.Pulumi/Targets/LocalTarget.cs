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
            var images = plan.Workloads.Where(w => w.Group == group).Select(w => (object)PulumiProgram.Ref(ImageResources.Name(w.Layer))).Distinct().ToList();
            context.Program.Resource($"compose-{group}", "command:local:Command", new Map()
                .Add("create", $"docker compose -p {group} -f {path} up -d --remove-orphans")
                .Add("update", $"docker compose -p {group} -f {path} up -d --remove-orphans")
                .Add("delete", $"docker compose -p {group} -f {path} down --remove-orphans")
                .Add("triggers", new List<object> { hash }),
                new Map().Add("provider", PulumiProgram.Ref("command-provider")).Add("dependsOn", images));
        }
        context.Program.Output("registry", plan.Registry);
    }
}
