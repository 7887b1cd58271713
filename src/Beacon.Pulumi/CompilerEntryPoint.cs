using Beacon.Layers.Loading;

namespace Beacon.Pulumi;

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

    /// <summary>
    /// PULUMI_CONFIG is Pulumi's view of the stack settings (JSON, values as strings). Beacon reads the same stack file;
    /// when both name the cloud they must agree (a mismatch means an edited file Pulumi has not seen, or the reverse).
    /// </summary>
    private static string? ConfigConflict(string? pulumiConfig, Beacon.Layers.Documents.StackDocument stack)
    {
        if (string.IsNullOrWhiteSpace(pulumiConfig))
        {
            return null;
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(pulumiConfig);
            if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                return "PULUMI_CONFIG is not a JSON object";
            }
            if (doc.RootElement.TryGetProperty("beacon:cloud", out var cloud) && cloud.ToString() != Beacon.Layers.Documents.CloudTargets.ToText(stack.Cloud))
            {
                return $"Pulumi's config says beacon:cloud '{cloud}', the stack file says '{Beacon.Layers.Documents.CloudTargets.ToText(stack.Cloud)}'";
            }
            return null;
        }
        catch (System.Text.Json.JsonException e)
        {
            return $"PULUMI_CONFIG is not valid JSON: {e.Message}";
        }
    }

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
        if (stackDocument is not null && ConfigConflict(environment("PULUMI_CONFIG"), stackDocument) is { } conflict)
        {
            stderr.WriteLine($"stacks/Pulumi.{stack}.yaml(1,1): error BEA0303: {conflict}");
            return 2;
        }
        if (stackDocument is null)
        {
            stderr.WriteLine($"stacks/Pulumi.{stack}.yaml(1,1): error BEA0301: stack '{stack}' has no settings file; create stacks/Pulumi.{stack}.yaml with at least 'config: {{beacon:cloud: local}}'");
            return 2;
        }
        // The gate first: a stale or hand-edited lock fails the preview with its explanation.
        var gate = Beacon.Layers.Gate.LockGate.Check(result.Workspace!);
        foreach (var d in gate)
        {
            stderr.WriteLine(d);
        }
        if (gate.Count > 0)
        {
            stderr.WriteLine($"beacon-infra: the deployment gate failed ({gate.Count} problem(s)); fix them (usually 'beacon lock') and commit");
            return 1;
        }
        try
        {
            var synthesis = Synthesizer.Synthesize(result.Workspace!, stackDocument);
            Synthesizer.WriteFiles(result.Workspace!, synthesis);
            stdout.Write(synthesis.Program);
            return 0;
        }
        catch (Beacon.Images.Planning.PlanException e)
        {
            stderr.WriteLine($"beacon-infra: {e.Message}");
            return 1;
        }
    }
}
