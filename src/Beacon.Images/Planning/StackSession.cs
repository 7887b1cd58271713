using Beacon.Conda.Channels;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;

namespace Beacon.Images.Planning;

/// <summary>
/// One stack, prepared the one way every face prepares it (the CLI's stack commands, the pipeline and the Pulumi
/// compiler): the repository loaded and valid, the gate passed over locks read once, the commit label of every lock,
/// and the pure <see cref="Planner"/>'s plan.
/// </summary>
public sealed record StackSession(GateResult Checked, StackDocument Stack, Plan Plan)
{
    public Workspace Workspace => Checked.Workspace;
    public IReadOnlyDictionary<string, StoredLock> Locks => Checked.Locks;

    /// <summary>Where the stack's generated build files live, relative to the repository.</summary>
    public string BuildDirectory => BuildPaths.Stack(Stack.Name);
}

/// <summary>Why a stack could not be prepared: the input is invalid (exit 2), or a check failed (exit 1).</summary>
public enum StackFailure
{
    None,
    InvalidInput,
    CheckFailed,
}

/// <summary>The session, or every diagnostic that stopped it.</summary>
public sealed record StackOpening(StackSession? Session, IReadOnlyList<Diagnostic> Diagnostics, StackFailure Failure)
{
    public bool Success => Session is not null;
}

public sealed record StackOptions
{
    /// <summary>Only a local stack will do (up, down, status).</summary>
    public bool LocalOnly { get; init; }

    /// <summary>Push to this registry instead of the stack's (build --push).</summary>
    public string? Registry { get; init; }

    /// <summary>Build with this builder instead of the stack's (build --builder): the images' tags follow it.</summary>
    public ImageBuilderKind? Builder { get; init; }

    /// <summary>The commit that last changed each lock; <see cref="LockCommits.Read"/> (git) unless a test gives its own.</summary>
    public Func<Workspace, IReadOnlyDictionary<string, string>>? Commits { get; init; }

    /// <summary>
    /// Where channels are read from for the gate's verification of the locks. Without one, only folder and file://
    /// channels can be read (an http channel is then an error that says so).
    /// </summary>
    public ChannelLoader? Channels { get; init; }

    /// <summary>Reuse a gate pass on the same contents (the compiler, plan, synth); null: the gate runs in full.</summary>
    public GateCache? GateCache { get; init; }
}

/// <summary>Generated files of a stack, under .beacon/build/&lt;stack&gt;/ (the one place the layout is written).</summary>
public static class BuildPaths
{
    public static string Stack(string stack) => $".beacon/build/{stack}";
    public static string Context(string stack, string layer) => $"{Stack(stack)}/{layer}";
    public static string Compose(string stack, string group) => $"{Stack(stack)}/compose/{group}.yaml";
}

public static class StackSessions
{
    /// <summary>The blocking form of <see cref="OpenAsync(string, string?, StackOptions?, CancellationToken)"/> (folder channels read at once).</summary>
    public static StackOpening Open(string root, string? stackName, StackOptions? options = null) =>
        OpenAsync(root, stackName, options).GetAwaiter().GetResult();

    /// <summary>The blocking form of <see cref="OpenAsync(Workspace, string?, StackOptions?, CancellationToken)"/>.</summary>
    public static StackOpening Open(Workspace workspace, string? stackName, StackOptions? options = null) =>
        OpenAsync(workspace, stackName, options).GetAwaiter().GetResult();

    /// <summary>Load the repository at <paramref name="root"/>, then open the stack.</summary>
    public static async Task<StackOpening> OpenAsync(string root, string? stackName, StackOptions? options = null, CancellationToken cancellationToken = default)
    {
        var loaded = WorkspaceLoader.Load(root);
        if (!loaded.Success)
        {
            return new StackOpening(null, loaded.Diagnostics, StackFailure.InvalidInput);
        }
        var opening = await OpenAsync(loaded.Workspace!, stackName, options, cancellationToken);
        return loaded.Diagnostics.Count == 0 ? opening : opening with { Diagnostics = [.. loaded.Diagnostics, .. opening.Diagnostics] };
    }

    /// <summary>The stack (by name, or the first local one when <paramref name="stackName"/> is null), gated and planned.</summary>
    public static async Task<StackOpening> OpenAsync(Workspace workspace, string? stackName, StackOptions? options = null, CancellationToken cancellationToken = default)
    {
        var stack = Find(workspace, stackName, options ?? new StackOptions(), out var problem);
        if (stack is null)
        {
            return new StackOpening(null, [problem!], StackFailure.InvalidInput);
        }
        GateResult gate;
        try
        {
            var channels = await ChannelIndex.LoadAsync(workspace, options?.Channels ?? new ChannelLoader(null), cancellationToken: cancellationToken);
            // Inside the same catch: a channel can fail when the gate first asks it for names (a shard that does not
            // verify, a plain repodata.json that turns out malformed when its index is first built), not only when opened.
            gate = await LockGate.RunAsync(workspace, channels, options?.GateCache, cancellationToken: cancellationToken);
        }
        catch (LockChannelException e)
        {
            return new StackOpening(null, [Diagnostic.Error(new SourceLocation("beacon.yaml"), DiagnosticCode.ChannelUnavailable, e.Message)], StackFailure.InvalidInput);
        }
        return gate.Passed ? Plan(gate, stack, options) : new StackOpening(null, gate.Diagnostics, StackFailure.CheckFailed);
    }

    /// <summary>The stack's plan over a gate that already ran (the pipeline shows the gate before the plan).</summary>
    public static StackOpening Open(GateResult gate, string? stackName, StackOptions? options = null)
    {
        if (!gate.Passed)
        {
            return new StackOpening(null, gate.Diagnostics, StackFailure.CheckFailed);
        }
        var stack = Find(gate.Workspace, stackName, options ?? new StackOptions(), out var problem);
        return stack is null ? new StackOpening(null, [problem!], StackFailure.InvalidInput) : Plan(gate, stack, options);
    }

    private static StackOpening Plan(GateResult gate, StackDocument stack, StackOptions? options)
    {
        var commits = (options?.Commits ?? LockCommits.Read)(gate.Workspace);
        var plan = Planner.Build(gate.Workspace, stack, gate.Locks, commits);
        if (plan.Problems.Count > 0)
        {
            return new StackOpening(null,
                plan.Problems.Select(p => Diagnostic.Error(new SourceLocation(StackFile(stack.Name)), DiagnosticCode.PlanFailed, p.Message)).ToList(),
                StackFailure.CheckFailed);
        }
        return new StackOpening(new StackSession(gate, stack, plan), [], StackFailure.None);
    }

    private static StackDocument? Find(Workspace workspace, string? stackName, StackOptions options, out Diagnostic? problem)
    {
        problem = null;
        var stack = stackName is null ? workspace.Stacks.FirstOrDefault(s => s.Cloud == CloudTarget.Local) : workspace.Stack(stackName);
        if (stack is null)
        {
            problem = stackName is null
                ? Diagnostic.Error(new SourceLocation("stacks"), DiagnosticCode.UnknownStackArgument,
                    "no local stack (a stacks/Pulumi.<stack>.yaml with 'beacon:cloud: local'); name one with --stack")
                : Diagnostic.Error(new SourceLocation(StackFile(stackName)), DiagnosticCode.UnknownStackArgument,
                    $"no stack '{stackName}': there is no {StackFile(stackName)}" +
                    Beacon.Layers.Yaml.Suggestions.DidYouMean(stackName, workspace.Stacks.Select(s => s.Name)));
            return null;
        }
        if (options.LocalOnly && stack.Cloud != CloudTarget.Local)
        {
            problem = Diagnostic.Error(new SourceLocation(StackFile(stack.Name)), DiagnosticCode.StackNotLocal,
                $"stack '{stack.Name}' runs on {stack.Cloud.ToText()} (beacon:cloud); this command runs local stacks only");
            return null;
        }
        if (options.Builder is { } builder)
        {
            stack = stack with { Builder = builder };
        }
        return options.Registry is { } registry ? stack with { Registry = registry.TrimEnd('/') } : stack;
    }

    private static string StackFile(string name) => $"stacks/Pulumi.{name}.yaml";
}
