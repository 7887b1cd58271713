using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Layers.Rendering;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon graph</c>: the layer tree as text, Mermaid or JSON.</summary>
internal static class GraphCommand
{
    public static Command Create(CliConsole console)
    {
        var format = new Option<string>("--format", "-f") { Description = "text (default), mermaid or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "mermaid", "json");
        var repo = Options.Repo();
        var json = Options.Json("The same as --format json.");
        var command = new Command("graph", "Draw the layer tree (text, Mermaid for READMEs and pull requests, or JSON).") { format, repo, json };
        command.SetAction(parse =>
        {
            var asJson = parse.GetValue(json) || parse.GetValue(format) == "json";
            var run = new CommandRun(console, "graph", asJson);
            if (Repository.Load(run, parse.GetValue(repo), out var exit) is not { } workspace)
            {
                return exit;
            }
            run.Out.Write(asJson ? GraphRenderer.Json(workspace) : parse.GetValue(format) == "mermaid" ? GraphRenderer.Mermaid(workspace) : GraphRenderer.Text(workspace));
            return ExitCodes.Success;
        });
        return command;
    }
}
