using System.ComponentModel;
using Beacon.Docker.Engine;
using Beacon.Images.Planning;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon build [layer...] [--stack s] [--push registry]</c>: build layer images on the Docker engine.</summary>
public sealed class BuildCommand : AsyncCommand<BuildCommand.Settings>
{
    public sealed class Settings : RepositoryCommandSettings
    {
        [CommandArgument(0, "[LAYER]")]
        [Description("Layers to build (with their ancestors); default: every layer the stack deploys.")]
        public string[] Layers { get; init; } = [];

        [CommandOption("-s|--stack <STACK>")]
        [Description("The stack whose plan to build (default: the first local stack).")]
        public string? Stack { get; init; }

        [CommandOption("--push <REGISTRY>")]
        [Description("Tag for this registry and push each image in order, printing its digest.")]
        public string? Push { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (workspace, stack, exit) = StackCommand.Prepare(settings, settings.Stack, localOnly: false);
        if (workspace is null)
        {
            return exit;
        }
        if (settings.Push is { } registry)
        {
            if (!Beacon.Layers.Validation.Names.IsImageReference(registry.TrimEnd('/') + "/x"))
            {
                Console.Error.WriteLine($"beacon build: error {DiagnosticCodes.Id(DiagnosticCode.InvalidStackSetting)}: '{registry}' is not a registry address");
                return ExitCodes.InvalidInput;
            }
            stack = stack! with { Registry = registry };
        }
        Plan? plan = null;
        exit = StackCommand.Guard("build", () =>
        {
            plan = Planner.Build(workspace, stack!);
            return ExitCodes.Success;
        });
        if (plan is null)
        {
            return exit;
        }
        var unknown = settings.Layers.Where(l => plan.Images.All(i => i.Layer != l)).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"beacon build: error {DiagnosticCodes.Id(DiagnosticCode.UnknownParent)}: stack '{stack!.Name}' deploys no layer {string.Join(", ", unknown)}");
            return ExitCodes.InvalidInput;
        }
        return await StackCommand.GuardAsync("build", async () =>
        {
            using var client = DockerClient.Connect();
            var results = await new ImageBuilder(client, line => Console.Error.WriteLine(line)).BuildAsync(plan, settings.Layers, settings.Push is not null, cancellationToken);
            foreach (var r in results)
            {
                var what = r.Outcome switch
                {
                    BuildOutcome.Built => $"built     {r.Layer}  {r.Reference}  adds {Size(r.AddedBytes)}",
                    BuildOutcome.Reused => $"reused    {r.Layer}  {r.Reference}  adds {Size(r.AddedBytes)}",
                    BuildOutcome.Skipped => $"skipped   {r.Layer}  ({r.Error})",
                    _ => $"FAILED    {r.Layer}  {r.Error}",
                };
                Console.Out.WriteLine(what + (r.PushedDigest is { } d ? $"  pushed {d}" : ""));
            }
            return results.Any(r => r.Outcome is BuildOutcome.Failed or BuildOutcome.Skipped) ? ExitCodes.CheckFailed : ExitCodes.Success;
        });
    }

    private static string Size(long bytes) => bytes >= 1048576 ? $"{bytes / 1048576.0:F1} MiB" : bytes >= 1024 ? $"{bytes / 1024.0:F1} KiB" : $"{bytes} B";
}
