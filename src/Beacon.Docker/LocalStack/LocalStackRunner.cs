using Beacon.Conda;
using Beacon.Docker.Building;
using Beacon.Docker.Engine;
using Beacon.Images.Planning;
using Beacon.Layers.Documents;
using Beacon.Images.Rendering;

namespace Beacon.Docker.LocalStack;

/// <summary>One workload group's Compose project and what happened to it.</summary>
public sealed record GroupResult(string Group, bool Success, string Output);

/// <summary>A workload <c>up</c> did not start: its layer and why.</summary>
public sealed record NotStarted(string Workload, string Layer, string Reason);

/// <summary>What <c>up</c> did: the groups it ran and the workloads it could not start.</summary>
public sealed record UpResult(IReadOnlyList<GroupResult> Groups, IReadOnlyList<NotStarted> NotStarted)
{
    public bool Success => NotStarted.Count == 0 && Groups.All(g => g.Success);
}

/// <summary>
/// The local stack on the local engine, the way the <c>local</c> Pulumi target deploys it: one Compose project per
/// workload group, from the same compose files (<see cref="Compose"/>) under the stack's build folder.
/// </summary>
public static class LocalStackRunner
{
    /// <summary>Writes each group's compose file (one set, only changed files) and returns the groups with their files.</summary>
    public static IReadOnlyList<(string Group, string File)> WriteComposeFiles(StackSession session) => WriteComposeFiles(session, session.Plan);

    private static IReadOnlyList<(string Group, string File)> WriteComposeFiles(StackSession session, Plan plan)
    {
        var files = plan.Groups.Select(g => (Group: g, File: session.Workspace.FullPath(BuildPaths.Compose(session.Stack.Name, g)), Text: Compose.For(plan, g))).ToList();
        var changed = files.Where(f => !File.Exists(f.File) || File.ReadAllText(f.File) != f.Text)
            .Select(f => new KeyValuePair<string, byte[]>(f.File, AtomicFile.Utf8(f.Text))).ToList();
        if (changed.Count > 0)
        {
            AtomicFile.WriteAll(changed);
        }
        return files.Select(f => (f.Group, f.File)).ToList();
    }

    /// <summary>
    /// <c>beacon up</c>: finds each workload's image the one way the stack's builder defines — the docker builder
    /// builds what is missing on the engine; an oci stack's images are pulled by the digest the registry holds under
    /// their identity tag (never built from a Dockerfile) and tagged locally, so Compose runs exactly them — then
    /// starts every group with the workloads whose images exist. A workload whose image is missing or failed is
    /// named with the reason; it does not keep the others from starting.
    /// </summary>
    /// <param name="updates">Where the builds' and pulls' bytes and the images done are reported (a progress view), if anywhere.</param>
    public static async Task<UpResult> UpAsync(StackSession session, DockerClient client, PlannedImageLocator locator, Action<string>? progress = null,
        IProgress<Conda.ProgressUpdate>? updates = null, CancellationToken cancellationToken = default)
    {
        var plan = session.Plan;
        var needed = plan.Workloads.Select(w => w.Layer).ToHashSet(StringComparer.Ordinal);
        var missing = new Dictionary<string, string>(StringComparer.Ordinal);
        if (plan.Builder == ImageBuilderKind.Docker)
        {
            foreach (var r in await new ImageBuilder(client, progress) { Updates = updates }.BuildAsync(plan, needed, cancellationToken: cancellationToken))
            {
                if (r.Outcome is BuildOutcome.Failed or BuildOutcome.Skipped)
                {
                    missing[r.Layer] = $"its image did not build: {r.Error}";
                }
            }
        }
        else
        {
            foreach (var image in plan.Images.Where(i => needed.Contains(i.Layer)))
            {
                if (await locator.LocateAsync(plan, image, updates, cancellationToken) is not { } located)
                {
                    missing[image.Layer] = $"its image {image.Reference} is not in the registry; run 'beacon build {image.Layer} --stack {session.Stack.Name}'";
                    continue;
                }
                progress?.Invoke($"pulled  {image.Layer}  {located.Reference}");
                await client.TagAsync(located.Reference, image.Reference.Name, image.Reference.Tag, cancellationToken);
            }
        }
        var notStarted = plan.Workloads.Where(w => missing.ContainsKey(w.Layer))
            .Select(w => new NotStarted(w.Name, w.Layer, missing[w.Layer])).ToList();
        var startable = plan with { Workloads = [.. plan.Workloads.Where(w => !missing.ContainsKey(w.Layer))] };
        var groups = new List<GroupResult>();
        foreach (var (group, file) in WriteComposeFiles(session, startable))
        {
            groups.Add(Result(group, ComposeRunner.Up(group, file)));
        }
        return new UpResult(groups, notStarted);
    }

    /// <summary>Stops every group, whatever happens to the others.</summary>
    public static IReadOnlyList<GroupResult> Down(StackSession session) =>
        WriteComposeFiles(session).Select(g => Result(g.Group, ComposeRunner.Down(g.Group, g.File))).ToList();

    /// <summary>"project service state status" lines of the stack's containers.</summary>
    public static ComposeRunner.Result Status(StackSession session) => ComposeRunner.Status(session.Plan.Groups);

    private static GroupResult Result(string group, ComposeRunner.Result r) => new(group, r.ExitCode == 0, r.Output);
}
