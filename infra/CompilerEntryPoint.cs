using Beacon.Layers.Loading;

namespace Beacon.Infra;

/// <summary>
/// What Pulumi YAML's <c>compiler</c> option runs: it reads PULUMI_STACK (and PULUMI_CONFIG) from the environment
/// and prints a Pulumi YAML program on stdout. Logs and diagnostics go to stderr only.
/// </summary>
public static class CompilerEntryPoint
{
    /// <summary>
    /// The program Pulumi gets during plugin discovery and <c>pulumi about</c> (no stack selected): valid, empty.
    /// </summary>
    public const string EmptyProgram = "name: beacon\nruntime: yaml\nresources: {}\noutputs: {}\n";

    public static int Run(Func<string, string?> environment, string workingDirectory, TextWriter stdout, TextWriter stderr)
    {
        var stack = environment("PULUMI_STACK");
        if (string.IsNullOrEmpty(stack))
        {
            stdout.Write(EmptyProgram);
            return 0;
        }
        var root = environment("BEACON_REPO") is { Length: > 0 } repo ? repo : workingDirectory;
        var result = WorkspaceLoader.Load(root);
        foreach (var d in result.Diagnostics)
        {
            stderr.WriteLine(d);
        }
        if (!result.Success)
        {
            return 2;
        }
        var stackDocument = result.Workspace!.Stack(stack);
        if (stackDocument is null)
        {
            stderr.WriteLine($"stacks/Pulumi.{stack}.yaml(1,1): error BEA0301: stack '{stack}' has no settings file; create stacks/Pulumi.{stack}.yaml with at least 'config: {{beacon:cloud: local}}'");
            return 2;
        }
        // Resource generation is the Pulumi-program issue's work. Until it lands, refuse loudly: printing an empty
        // program here would make `pulumi up` delete every resource the stack has.
        stderr.WriteLine($"beacon-infra: the layers validate, but this build does not generate resources for stack '{stack}' " +
                         $"({stackDocument.Cloud.ToString().ToLowerInvariant()}) yet; refusing to print an empty program that would delete the stack's resources");
        return 1;
    }
}
