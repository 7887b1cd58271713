using Beacon.Conda.Net;
using Beacon.Conda;
using Beacon.Images.Planning;
using Beacon.Layers.Diagnostics;
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
        var loaded = WorkspaceLoader.Load(root);
        if (!loaded.Success)
        {
            Print(loaded.Diagnostics, stderr);
            return 2;
        }
        if (loaded.Workspace!.Stack(stack) is { } document && ConfigConflict(environment("PULUMI_CONFIG"), document) is { } conflict)
        {
            stderr.WriteLine(Diagnostic.Error(new SourceLocation($"stacks/Pulumi.{stack}.yaml"), DiagnosticCode.PulumiConfigMismatch, conflict));
            return 2;
        }
        // The gate first (inside the session): a stale or hand-edited lock fails the preview with its explanation.
        using var http = BeaconHttp.Create();
        var channels = new Conda.Channels.ChannelLoader(new Conda.Channels.RepodataFetcher(http, new Conda.Channels.FetchOptions
        {
            CacheDirectory = Conda.Channels.ChannelLoader.DefaultCacheDirectory(environment),
        }));
        var opening = StackSessions.Open(loaded.Workspace, stack, new StackOptions
        {
            Channels = channels,
            // Pulumi runs the compiler at least twice per preview: a gate pass on the same contents is reused.
            GateCache = Layers.Gate.GateCache.InCacheDirectory(Conda.Channels.ChannelLoader.DefaultCacheDirectory(environment)),
        });
        Print(loaded.Diagnostics.Concat(opening.Diagnostics), stderr);
        if (opening.Session is not { } session)
        {
            if (opening.Failure == StackFailure.CheckFailed)
            {
                stderr.WriteLine($"beacon-infra: the deployment gate failed ({Conda.Parsing.Plural.Of(opening.Diagnostics.Count, "problem")}); fix them (usually 'beacon lock') and commit");
                return 1;
            }
            return 2;
        }
        var synthesis = Synthesizer.Synthesize(session);
        try
        {
            Synthesizer.WriteFiles(session.Workspace, synthesis);
        }
        catch (FileWriteException e)
        {
            stderr.WriteLine(Diagnostic.Error(new SourceLocation(session.BuildDirectory), DiagnosticCode.OutputNotWritable, e.Message));
            return 2;
        }
        stdout.Write(synthesis.Program);
        return 0;
    }

    private static void Print(IEnumerable<Diagnostic> diagnostics, TextWriter to)
    {
        foreach (var d in diagnostics)
        {
            to.WriteLine(d);
        }
    }
}
