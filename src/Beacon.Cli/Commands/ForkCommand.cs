using Beacon.Conda.Net;
using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Forking;
using Beacon.Layers.Git;
using Beacon.Layers.Locking;
using Beacon.Layers.Validation;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon fork &lt;layer&gt; --as &lt;new&gt; [--parent p] [--add spec...]</c>.</summary>
internal static class ForkCommand
{
    public static Command Create(CliConsole console)
    {
        var layer = Options.Required("layer", "The layer to fork.");
        var name = Options.Text("--as", "The new layer's name.", "name");
        name.Required = true;
        var parent = Options.Text("--parent", "The new layer's parent (default: the forked layer's parent).", "layer");
        var add = Options.List("--add", "A spec to add; it replaces the forked layer's spec for the same package.", "spec", "-a");
        var offline = Options.Offline();
        var repo = Options.Repo();
        var command = new Command("fork", "Create an experimental layer from another one, with changed specs, and lock it; proposes a parent that works when the given one does not.")
        {
            layer, name, parent, add, offline, repo,
        };
        command.SetAction((parse, token) => RunAsync(new CommandRun(console, "fork", json: false), parse.GetValue(repo), parse.GetValue(layer)!, parse.GetValue(name)!,
            parse.GetValue(parent), parse.GetValue(add)!, parse.GetValue(offline), token));
        return command;
    }

    private static async Task<int> RunAsync(CommandRun run, string? repo, string source, string newName, string? parentName, string[] add, bool offline, CancellationToken token)
    {
        if (Repository.Load(run, repo, out var exit) is not { } workspace)
        {
            return exit;
        }
        using var http = BeaconHttp.Create();
        ForkResult result;
        try
        {
            result = await new Forker(workspace, ChannelAccess.Loader(run.Console, http, offline))
                .ForkAsync(new ForkRequest(source, newName, parentName, add, GitOwner(workspace.Root)), token);
        }
        catch (LockChannelException e)
        {
            return run.Fail(DiagnosticCode.ChannelUnavailable, e.Message);
        }
        switch (result)
        {
            case ForkRefused refused:
                return run.Fail(refused.Code, refused.Message);
            case Forked forked:
                run.Out.WriteLine(forked.CodeOwnersFile is { } owners
                    ? $"wrote {forked.LayerFile}, {forked.LockFile} (stage experimental) and {owners}; commit them in a pull request"
                    : $"wrote {forked.LayerFile} and {forked.LockFile} (stage experimental); commit both in a pull request");
                return ExitCodes.Success;
        }
        var notLockable = (ForkNotLockable)result;
        var parent = parentName ?? workspace.Tree[source].Parent?.Value;
        run.Err.WriteLine(Diagnostic.Error(new SourceLocation($"layers/{newName}.yaml"), DiagnosticCode.LayerNotLockable, $"'{newName}' cannot be locked on top of '{parent}':"));
        run.Err.Write(TextBlock.Indent(notLockable.Explanation));
        if (notLockable.ProposedParent is { } proposed)
        {
            var adds = string.Concat(add.Select(a => $" --add \"{a}\""));
            run.Err.WriteLine($"It locks on top of '{proposed}' instead: beacon fork {source} --as {newName} --parent {proposed}{adds}");
        }
        run.Err.WriteLine("nothing was written");
        return ExitCodes.CheckFailed;
    }

    /// <summary>The committer's e-mail (or name) from git config, as the new layer's owner; null when git has none.</summary>
    private static string? GitOwner(string root) =>
        new[] { "user.email", "user.name" }.Select(k => GitCli.Config(root, k)).FirstOrDefault(v => v is not null && Names.IsOwner(v));
}
