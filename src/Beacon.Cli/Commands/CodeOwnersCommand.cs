using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Ownership;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon codeowners [--write]</c>: GitHub's CODEOWNERS from the owners of layers and workloads.</summary>
internal static class CodeOwnersCommand
{
    public static Command Create(CliConsole console)
    {
        var write = Options.Flag("--write", $"Write {CodeOwners.RelativePath} instead of printing it.");
        var repo = Options.Repo();
        var command = new Command("codeowners", "Print (or --write) .github/CODEOWNERS: each layer's file and lock need its owners, each workload's its owners, the rest the root layers' owners.")
        {
            write, repo,
        };
        command.SetAction(parse =>
        {
            var run = new CommandRun(console, "codeowners", json: false);
            if (Repository.Load(run, parse.GetValue(repo), out var exit) is not { } workspace)
            {
                return exit;
            }
            var text = CodeOwners.Render(workspace);
            if (!parse.GetValue(write))
            {
                run.Out.Write(text);
                return ExitCodes.Success;
            }
            try
            {
                AtomicFile.WriteAllText(workspace.FullPath(CodeOwners.RelativePath), text);
            }
            catch (FileWriteException e)
            {
                return run.Fail(DiagnosticCode.OutputNotWritable, e.Message);
            }
            run.Out.WriteLine($"wrote {CodeOwners.RelativePath}");
            return ExitCodes.Success;
        });
        return command;
    }
}
