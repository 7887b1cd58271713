using System.ComponentModel;
using Beacon.Cli.Output;
using Beacon.Docker.Engine;
using Beacon.Images.Planning;
using Beacon.Pulumi;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Beacon.Cli.Commands;

/// <summary>Options of the commands that work on one stack's plan.</summary>
public class StackSettings : RepositoryCommandSettings
{
    [CommandOption("-s|--stack <STACK>")]
    [Description("The stack (stacks/Pulumi.<stack>.yaml).")]
    public string? Stack { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Stack) ? ValidationResult.Error("--stack <name> is required") : ValidationResult.Success();
}

/// <summary>Load, check and resolve the stack: the common start of synth, plan and render.</summary>
internal static class StackCommand
{
    public static (Workspace? Workspace, StackDocument? Stack, int Exit) Prepare(StackSettings settings) =>
        Prepare(settings, settings.Stack, localOnly: false);

    /// <summary>Loads the repository, finds the stack (default: the first local one) and runs the gate.</summary>
    public static (Workspace? Workspace, StackDocument? Stack, int Exit) Prepare(RepositoryCommandSettings settings, string? stackName, bool localOnly)
    {
        var workspace = WorkspaceCommand.Load(settings, out var exit);
        if (workspace is null)
        {
            return (null, null, exit);
        }
        var stack = stackName is { } n ? workspace.Stack(n) : workspace.Stacks.FirstOrDefault(s => s.Cloud == CloudTarget.Local);
        if (stack is null || (localOnly && stack.Cloud != CloudTarget.Local))
        {
            Console.Error.WriteLine($"stacks/Pulumi.{stackName ?? "(local)"}.yaml(1,1): error {DiagnosticCodes.Id(DiagnosticCode.InvalidStackName)}: " +
                (stack is null ? $"no stack '{stackName ?? "(local)"}'" : $"stack '{stack.Name}' is not a local stack"));
            return (null, null, ExitCodes.InvalidInput);
        }
        var gate = LockGate.Check(workspace);
        DiagnosticPrinter.Print(gate, Console.Error);
        return gate.Count > 0 ? (null, null, ExitCodes.CheckFailed) : (workspace, stack, ExitCodes.Success);
    }

    /// <summary>
    /// Runs a command's body, turning the expected failures into messages and exit codes: a plan that cannot be made
    /// (1) and an unreachable Docker engine (3). No stack traces.
    /// </summary>
    public static int Guard(string command, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (PlanException e)
        {
            Console.Error.WriteLine($"beacon {command}: {e.Message}");
            return ExitCodes.CheckFailed;
        }
        catch (DockerUnavailableException e)
        {
            return Unavailable(command, e);
        }
    }

    /// <summary>No Docker engine: the reason, exit 3.</summary>
    public static int Unavailable(string command, DockerUnavailableException e)
    {
        Console.Error.WriteLine($"beacon {command}: {e.Message}");
        return ExitCodes.InternalError;
    }

    public static async Task<int> GuardAsync(string command, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (PlanException e)
        {
            Console.Error.WriteLine($"beacon {command}: {e.Message}");
            return ExitCodes.CheckFailed;
        }
        catch (DockerUnavailableException e)
        {
            return Unavailable(command, e);
        }
    }
}

/// <summary><c>beacon synth --stack s</c>: the Pulumi YAML program, exactly what the compiler prints.</summary>
public sealed class SynthCommand : Command<StackSettings>
{
    public override int Execute(CommandContext context, StackSettings settings, CancellationToken cancellationToken)
    {
        var (workspace, stack, exit) = StackCommand.Prepare(settings);
        if (workspace is null)
        {
            return exit;
        }
        return StackCommand.Guard("synth", () =>
        {
            var synthesis = Synthesizer.Synthesize(workspace, stack!);
            Synthesizer.WriteFiles(workspace, synthesis);
            Console.Out.Write(synthesis.Program);
            return ExitCodes.Success;
        });
    }
}

/// <summary><c>beacon plan --stack s</c>: a preview tree of what the stack deploys.</summary>
public sealed class PlanCommand : Command<StackSettings>
{
    public override int Execute(CommandContext context, StackSettings settings, CancellationToken cancellationToken)
    {
        var (workspace, stack, exit) = StackCommand.Prepare(settings);
        if (workspace is null)
        {
            return exit;
        }
        return StackCommand.Guard("plan", () =>
        {
            Console.Out.Write(PlanText.Tree(Planner.Build(workspace, stack!)));
            return ExitCodes.Success;
        });
    }
}

/// <summary><c>beacon render --stack s --out dir</c>: build contexts, compose files, Kubernetes manifests and the program.</summary>
public sealed class RenderCommand : Command<RenderCommand.Settings>
{
    public sealed class Settings : StackSettings
    {
        [CommandOption("-o|--out <DIR>")]
        [Description("Where to write the files (created if missing).")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out <dir> is required") : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (workspace, stack, exit) = StackCommand.Prepare(settings);
        if (workspace is null)
        {
            return exit;
        }
        return StackCommand.Guard("render", () =>
        {
            var files = Rendering.Files(workspace, stack!);
            Rendering.Write(settings.Out!, files);
            Console.Out.WriteLine($"wrote {files.Count} files to {settings.Out}");
            return ExitCodes.Success;
        });
    }
}
