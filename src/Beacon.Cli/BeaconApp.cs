using System.CommandLine;
using Beacon.Cli.Commands;
using Beacon.Cli.Hosting;
using Beacon.Cli.Output;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Rendering;

namespace Beacon.Cli;

/// <summary>
/// The command table and the one place command-line mistakes and unexpected failures are turned into messages and
/// exit codes. Commands parse their options, call the libraries and print; the work happens in the libraries.
/// </summary>
public static class BeaconApp
{
    public static int Run(string[] args) => Run(args, CliConsole.FromProcess());

    /// <summary>Runs one command line against <paramref name="console"/> (the process's, or buffers in tests).</summary>
    public static int Run(string[] args, CliConsole console)
    {
        var root = Root(console);
        var invocation = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false };
        // No command: what there is to run.
        root.SetAction(_ => root.Parse(["--help"]).Invoke(invocation));
        // No response files: '@acme/platform' is an owner, not a file of arguments to read.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command is RootCommand ? null : parse.CommandResult.Command.Name;
            var message = string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')));
            return new CommandRun(console, command, args.Contains("--json"))
                .Fail(DiagnosticCode.InvalidCommandLine, $"{message} (see 'beacon {(command is null ? "" : command + " ")}--help')");
        }
        try
        {
            return parse.Invoke(invocation);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug or an environment Beacon did not foresee: said plainly, with the stack only when asked for.
            console.Error.WriteLine(TerminalText.Clean($"beacon: internal error: {e.GetType().Name}: {e.Message}"));
            if (console.Environment("BEACON_DEBUG") == "1")
            {
                console.Error.WriteLine(e);
            }
            else
            {
                console.Error.WriteLine("beacon: set BEACON_DEBUG=1 to see where it happened, and report it");
            }
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The command table (internal for the help test, which walks every command in it).</summary>
    internal static RootCommand Root(CliConsole console)
    {
        var root = new RootCommand("Beacon: layered conda container environments as code.")
        {
            PipelineCommand.Create(console),
            ValidateCommand.Create(console),
            GraphCommand.Create(console),
            LockCommand.Create(console),
            CheckCommand.Create(console),
            RouteCommand.Create(console),
            DiffCommand.Create(console),
            ForkCommand.Create(console),
            DependencyCommands.Add(console),
            DependencyCommands.Remove(console),
            CodeOwnersCommand.Create(console),
            StacksCommand.Create(console),
            InitCommand.Create(console),
            StackCommands.Plan(console),
            StackCommands.Synth(console),
            StackCommands.Render(console),
            BuildCommand.Create(console),
            TestCommand.Create(console),
            RunCommand.Create(console),
            KernelsCommand.Create(console),
            KernelsCommand.Kernel(console),
            WorkspaceCommand.Create(console),
            PublishCommand.Create(console),
            StagesCommand.Create(console),
            LocalStackCommands.Up(console),
            LocalStackCommands.Down(console),
            LocalStackCommands.Status(console),
            ExplainCommand.Create(console),
            SolveCommand.Create(console),
            IndexCommand.Create(console),
            AttestCommand.Create(console),
            AttestCommand.CreateVerify(console),
            VerifyCommand.Create(console),
            SbomCommand.Create(console),
            DevContainerCommand.Create(console),
            CatalogCommand.Create(console),
        };
        return root;
    }
}
