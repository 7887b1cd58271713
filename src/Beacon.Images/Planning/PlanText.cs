using System.Text;
using Beacon.Layers.Documents;

namespace Beacon.Images.Planning;

/// <summary>A plan as a preview tree, grouped like `pulumi preview`: images in build order, node pools, workloads by group.</summary>
public static class PlanText
{
    public static string Tree(Plan plan)
    {
        var sb = new StringBuilder();
        sb.Append($"stack {plan.Stack.Name} ({plan.Stack.Cloud.ToText()}) · registry {(plan.CreateRegistry ? "created by the stack" : plan.Registry)} · stages {string.Join(", ", plan.Stack.Stages.Select(s => s.ToText()))}\n");
        sb.Append(plan.Builder == ImageBuilderKind.Oci ? $"├─ images, in build order (oci builder: Beacon installs into {string.Join(", ", plan.Images.Select(i => i.Prefix).Distinct())} and pushes by digest)\n" : "├─ images, in build order\n");
        var images = plan.Images.ToList();
        void Image(PlannedImage image, string indent, bool last)
        {
            sb.Append(indent).Append(last ? "└─ " : "├─ ").Append(image.Layer).Append("  ").Append(plan.CreateRegistry ? $"<registry>/{image.Reference.Repository}:{image.Tag}" : image.Reference.ToString())
              .Append(image.Parent is null ? "  FROM base image" : "  adds to " + image.Parent).Append('\n');
            var children = images.Where(i => i.Parent == image.Layer).ToList();
            for (var i = 0; i < children.Count; i++)
            {
                Image(children[i], indent + (last ? "   " : "│  "), i == children.Count - 1);
            }
        }
        var roots = images.Where(i => i.Parent is null).ToList();
        for (var i = 0; i < roots.Count; i++)
        {
            Image(roots[i], "│  ", i == roots.Count - 1);
        }
        sb.Append("├─ node pools\n");
        for (var i = 0; i < plan.NodePools.Count; i++)
        {
            var p = plan.NodePools[i];
            var gpu = p.Profile.Gpu is { } g ? $", {g.Count}× {g.Kind}" : "";
            sb.Append("│  ").Append(i == plan.NodePools.Count - 1 ? "└─ " : "├─ ").Append(p.Name).Append($"  {p.Profile.Cpus:0.###} CPUs, {p.Profile.Memory}{gpu}  ({p.Min}..{p.Max} nodes)\n");
        }
        var hasWorkspaces = plan.Workspaces.Count > 0;
        sb.Append(hasWorkspaces ? "├─ workloads\n" : "└─ workloads\n");
        var branch = hasWorkspaces ? "│  " : "   ";
        var groups = plan.Groups.ToList();
        for (var gi = 0; gi < groups.Count; gi++)
        {
            var lastGroup = gi == groups.Count - 1;
            sb.Append(branch).Append(lastGroup ? "└─ " : "├─ ").Append(groups[gi]).Append('\n');
            var members = plan.Workloads.Where(w => w.Group == groups[gi]).ToList();
            for (var i = 0; i < members.Count; i++)
            {
                var w = members[i];
                var details = new List<string> { $"{w.Kind.ToText()}{(w.Kind is WorkloadKind.Service or WorkloadKind.Kernel ? $" ×{w.Replicas}" : "")}", $"in {w.Layer}", w.Hardware.Name };
                if (w.Schedule is not null)
                {
                    details.Add($"schedule \"{w.Schedule}\"");
                }
                if (w.Ports.Count > 0)
                {
                    details.Add("ports " + string.Join(",", w.Ports));
                }
                sb.Append(branch).Append(lastGroup ? "   " : "│  ").Append(i == members.Count - 1 ? "└─ " : "├─ ").Append(w.Name).Append("  ").Append(string.Join(" · ", details)).Append('\n');
            }
        }
        if (hasWorkspaces)
        {
            sb.Append("└─ developer workspaces\n");
            for (var i = 0; i < plan.Workspaces.Count; i++)
            {
                var ws = plan.Workspaces[i];
                var details = new List<string> { $"in {ws.Layer}", $"{ws.Hardware.Name} ({ws.Hardware.Cpus:0.###} CPUs, {ws.Hardware.Memory}{(ws.Hardware.Gpu is { } g ? $", {g.Count}× {g.Kind}" : "")})", $"home {ws.Storage}" };
                if (ws.Exploratory.Count > 0)
                {
                    details.Add("may use " + string.Join(", ", ws.Exploratory.Select(e => e.Name)));
                }
                if (plan.Stack.Cloud == CloudTarget.Local)
                {
                    details.Add($"port {ws.Port}");
                }
                sb.Append("   ").Append(i == plan.Workspaces.Count - 1 ? "└─ " : "├─ ").Append(ws.Name).Append("  ").Append(string.Join(" · ", details)).Append('\n');
            }
        }
        return sb.ToString();
    }
}
