using Beacon.Cli.Output;
using System.ComponentModel;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Forking;
using Beacon.Layers.Git;
using Beacon.Layers.Validation;
using Beacon.Layers.Locking;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon fork &lt;layer&gt; --as &lt;new&gt; [--parent p] [--add spec...]</c>.</summary>
public sealed class ForkCommand : AsyncCommand<ForkCommand.Settings>
{
    public sealed class Settings : RepositoryCommandSettings
    {
        [CommandArgument(0, "<LAYER>")]
        [Description("The layer to fork.")]
        public string Layer { get; init; } = "";

        [CommandOption("--as <NAME>")]
        [Description("The new layer's name.")]
        public string? As { get; init; }

        [CommandOption("--parent <LAYER>")]
        [Description("The new layer's parent (default: the forked layer's parent).")]
        public string? Parent { get; init; }

        [CommandOption("-a|--add <SPEC>")]
        [Description("A spec to add; it replaces the forked layer's spec for the same package. Repeatable.")]
        public string[] Add { get; init; } = [];

        [CommandOption("--offline")]
        [Description("Use cached repodata only.")]
        public bool Offline { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(As) ? ValidationResult.Error("--as <new-name> is required") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var workspace = WorkspaceCommand.Load(settings, out var exit);
        if (workspace is null)
        {
            return exit;
        }
        using var http = new HttpClient();
        ForkResult result;
        try
        {
            result = await new Forker(workspace, WorkspaceCommand.ChannelLoader(http, settings.Offline))
                .ForkAsync(new ForkRequest(settings.Layer, settings.As!, settings.Parent, settings.Add, GitOwner(settings.RepositoryRoot)), cancellationToken);
        }
        catch (LockChannelException e)
        {
            Console.Error.WriteLine($"beacon fork: error {DiagnosticCodes.Id(DiagnosticCode.InvalidChannel)}: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        if (result.Error is not null)
        {
            Console.Error.WriteLine($"beacon fork: error {DiagnosticCodes.Id(DiagnosticCode.InvalidValue)}: {result.Error}");
            return ExitCodes.InvalidInput;
        }
        if (result.Success)
        {
            Console.Out.WriteLine($"wrote {result.LayerFile} and {result.LockFile} (stage experimental); commit both in a pull request");
            return ExitCodes.Success;
        }
        var parent = settings.Parent ?? workspace.Tree[settings.Layer].Parent?.Value;
        Console.Error.WriteLine($"layers/{settings.As}.yaml(1,1): error {DiagnosticCodes.Id(DiagnosticCode.LayerNotLockable)}: '{settings.As}' cannot be locked on top of '{parent}':");
        Console.Error.Write(TextBlock.Indent(result.Explanation!));
        if (result.ProposedParent is { } proposed)
        {
            var adds = string.Concat(settings.Add.Select(a => $" --add \"{a}\""));
            Console.Error.WriteLine($"It locks on top of '{proposed}' instead: beacon fork {settings.Layer} --as {settings.As} --parent {proposed}{adds}");
        }
        Console.Error.WriteLine("nothing was written");
        return ExitCodes.CheckFailed;
    }

    /// <summary>The committer's e-mail (or name) from git config, as the new layer's owner; null when git has none.</summary>
    private static string? GitOwner(string root) =>
        new[] { "user.email", "user.name" }.Select(k => GitCli.Config(root, k)).FirstOrDefault(v => v is not null && Names.IsOwner(v));
}
