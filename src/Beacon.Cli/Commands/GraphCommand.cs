using System.ComponentModel;
using Beacon.Cli.Output;
using Beacon.Layers.Loading;
using Beacon.Layers.Rendering;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon graph</c>: the layer tree as text, Mermaid or JSON.</summary>
public sealed class GraphCommand : Command<GraphCommand.Settings>
{
    public sealed class Settings : RepositoryCommandSettings
    {
        [CommandOption("-f|--format <FORMAT>")]
        [Description("text (default), mermaid or json.")]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        public override Spectre.Console.ValidationResult Validate() =>
            Format is "text" or "mermaid" or "json"
                ? Spectre.Console.ValidationResult.Success()
                : Spectre.Console.ValidationResult.Error($"--format must be text, mermaid or json, not '{Format}'");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var result = WorkspaceLoader.Load(settings.RepositoryRoot);
        if (!result.Success)
        {
            DiagnosticPrinter.Print(result.Diagnostics, Console.Error);
            return ExitCodes.InvalidInput;
        }
        var workspace = result.Workspace!;
        var format = settings.Json ? "json" : settings.Format;
        Console.Out.Write(format switch
        {
            "mermaid" => GraphRenderer.Mermaid(workspace),
            "json" => GraphRenderer.Json(workspace),
            _ => GraphRenderer.Text(workspace),
        });
        return ExitCodes.Success;
    }
}
