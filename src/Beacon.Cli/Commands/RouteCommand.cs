using System.ComponentModel;
using System.Text.Json;
using Beacon.Conda.Specs;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Rendering;
using Beacon.Layers.Routing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon route &lt;workload&gt; | --requires spec...</c>: the minimum acceptable layer, and why.</summary>
public sealed class RouteCommand : Command<RouteCommand.Settings>
{
    public sealed class Settings : RepositoryCommandSettings
    {
        [CommandArgument(0, "[WORKLOAD]")]
        [Description("A workload name (its requires and hardware are used).")]
        public string? Workload { get; init; }

        [CommandOption("-r|--requires <SPEC>")]
        [Description("Route these MatchSpecs instead of a workload. Repeatable.")]
        public string[] Requires { get; init; } = [];

        [CommandOption("--hardware <PROFILE>")]
        [Description("The hardware profile the work runs on (default cpu).")]
        public string? Hardware { get; init; }

        [CommandOption("-s|--stack <STACK>")]
        [Description("Only layers whose stage this stack deploys.")]
        public string? Stack { get; init; }

        [CommandOption("--explain")]
        [Description("Say why each smaller layer was rejected.")]
        public bool Explain { get; init; }

        public override ValidationResult Validate() =>
            (Workload is null) == (Requires.Length == 0)
                ? ValidationResult.Error("give either a workload name or --requires specs")
                : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var workspace = WorkspaceCommand.Load(settings, out var exit);
        if (workspace is null)
        {
            return exit;
        }
        StackDocument? stack = null;
        if (settings.Stack is { } stackName && (stack = workspace.Stack(stackName)) is null)
        {
            Console.Error.WriteLine($"beacon route: error {DiagnosticCodes.Id(DiagnosticCode.InvalidStackName)}: no stack '{stackName}' (stacks/Pulumi.{stackName}.yaml)");
            return ExitCodes.InvalidInput;
        }
        var router = Router.FromDisk(workspace);
        RouteResult result;
        if (settings.Workload is { } name)
        {
            var workload = workspace.Workloads.FirstOrDefault(w => w.Name == name);
            if (workload is null)
            {
                Console.Error.WriteLine($"beacon route: error {DiagnosticCodes.Id(DiagnosticCode.WorkloadUnknownLayer)}: no workload '{name}'");
                return ExitCodes.InvalidInput;
            }
            result = router.Route(workload, stack);
        }
        else
        {
            var specs = new List<MatchSpec>();
            foreach (var text in settings.Requires)
            {
                var parsed = MatchSpec.TryParse(text);
                if (!parsed.Success)
                {
                    Console.Error.WriteLine($"beacon route: error {DiagnosticCodes.Id(DiagnosticCode.InvalidMatchSpec)}: '{text}' is not a valid conda MatchSpec: {parsed.Error.Message}");
                    return ExitCodes.InvalidInput;
                }
                specs.Add(parsed.Value);
            }
            result = router.Route(specs, settings.Hardware ?? HardwareProfile.DefaultName, stack);
        }

        if (settings.Json)
        {
            Console.Out.Write(JsonSerializer.Serialize(new
            {
                layer = result.Layer,
                candidates = result.Candidates.Select(c => new { layer = c.Layer, packages = c.Packages == int.MaxValue ? (int?)null : c.Packages, accepted = c.Accepted, rejections = c.Rejections }),
            }, JsonOptions.Indented) + "\n");
        }
        else
        {
            Console.Out.WriteLine(result.Layer is null ? "no acceptable layer" : result.Layer);
            if (settings.Explain || result.Layer is null)
            {
                var rejected = result.Layer is null ? result.Candidates : result.CloserRejected;
                foreach (var c in rejected)
                {
                    Console.Out.WriteLine($"  not {c.Layer}{(c.Packages == int.MaxValue ? "" : $" ({c.Packages} packages)")}: {string.Join("; ", c.Rejections)}");
                }
            }
        }
        return result.Layer is null ? ExitCodes.CheckFailed : ExitCodes.Success;
    }
}
