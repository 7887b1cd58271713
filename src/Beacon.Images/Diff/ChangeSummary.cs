using System.Text;
using System.Text.Json.Serialization;
using Beacon.Images.Planning;
using Beacon.Layers.Diff;
using Beacon.Layers.Documents;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Policy;
using Beacon.Layers.Rendering;

namespace Beacon.Images.Diff;

/// <summary>
/// A stack's deployment program exactly as the deployment engine receives it (Beacon.Pulumi passes the Pulumi YAML
/// program). Settings that reach a deployment only through the program show up as a difference here.
/// </summary>
public delegate string StackProgram(StackSession session);

/// <summary>
/// What a pull request changes, for a comment on it (<c>beacon diff</c>) and for the workflows' choice of stacks
/// (<c>beacon stacks --affected</c>): the layers (added, forked, removed, changed, with their package moves),
/// beacon.yaml's keys, and per stack the difference between its two Plans — images rebuilt, reused, added and removed,
/// workloads that move layer or change settings, node pools added, removed or resized — plus the stack file's keys
/// and the deployment program. <see cref="AffectedStacks"/> is the one impact rule both commands use. Markdown for
/// people (details collapse past a screenful), JSON for tools.
/// </summary>
public sealed record ChangeSummary(string BaseRef, IReadOnlyList<LayerDiff> Layers, IReadOnlyList<StackDiff> Stacks)
{
    /// <summary>Past this many lines the per-layer and per-stack details are folded into &lt;details&gt;.</summary>
    public const int ScreenLines = 60;

    /// <summary>beacon.yaml's top-level keys that differ (channel mirrors, hardware, developer limits).</summary>
    public IReadOnlyList<string> RepositorySettings { get; init; } = [];

    /// <summary>New policy findings and new exceptions; null when the policy was not judged (no channel records).</summary>
    public PolicyChanges? Policy { get; init; }

    /// <summary>
    /// Both revisions are planned from their locks as they are (the base passed the gate when it merged; the head's
    /// gate is <c>beacon check</c>'s job, not this comparison's), without commit labels: they depend on history, not
    /// on the change.
    /// </summary>
    /// <param name="recordOf">The channel's record of a locked package, to judge the policy (licences are the channel's
    /// metadata); null: the policy is not part of this summary.</param>
    public static ChangeSummary Compute(string baseRef, Workspace? baseWorkspace, Workspace head, StackProgram program,
        Func<Conda.Locks.LockedPackage, Conda.Records.PackageRecord?>? recordOf = null, DateOnly? today = null)
    {
        var baseLocks = baseWorkspace is null ? new Dictionary<string, StoredLock>() : LockStore.ReadAll(baseWorkspace);
        var headLocks = LockStore.ReadAll(head);
        var layers = LayerChanges.Compute(baseWorkspace, baseLocks, head, headLocks);
        var noCommits = new Dictionary<string, string>(); // image identity does not depend on commit labels
        var workloadsBefore = baseWorkspace?.Workloads.Select(w => w.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        var stacks = new List<StackDiff>();
        var names = head.Stacks.Select(s => s.Name).Union(baseWorkspace?.Stacks.Select(s => s.Name) ?? []).Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var after = head.Stack(name);
            var before = baseWorkspace?.Stack(name);
            var beforePlan = before is null ? null : Planner.Build(baseWorkspace!, before, baseLocks, noCommits);
            var afterPlan = after is null ? null : Planner.Build(head, after, headLocks, noCommits);
            var diff = PlanDiff.Compare(name, (after ?? before)!.Cloud.ToText(), beforePlan, afterPlan, workloadsBefore);
            if (before is not null && after is not null)
            {
                var settings = SettingChanges.Compare(SettingChanges.ReadOrNull(baseWorkspace!.FullPath(before.File)),
                    SettingChanges.ReadOrNull(head.FullPath(after.File)), after.File, "config");
                var programChanged = beforePlan!.Problems.Count == 0 && afterPlan!.Problems.Count == 0
                    && program(new StackSession(new GateResult(baseWorkspace, baseLocks, []), before, beforePlan))
                       != program(new StackSession(new GateResult(head, headLocks, []), after, afterPlan));
                diff = diff with
                {
                    Settings = settings,
                    ProgramChanged = programChanged,
                    Kind = diff.Kind == StackChangeKind.Unchanged && (settings.Count > 0 || programChanged) ? StackChangeKind.Changed : diff.Kind,
                };
            }
            stacks.Add(diff);
        }
        var repositorySettings = SettingChanges.Compare(
            baseWorkspace is null ? null : SettingChanges.ReadOrNull(baseWorkspace.FullPath(RepositorySources.SettingsFile)),
            SettingChanges.ReadOrNull(head.FullPath(RepositorySources.SettingsFile)), RepositorySources.SettingsFile);
        return new ChangeSummary(baseRef, layers, stacks)
        {
            RepositorySettings = repositorySettings,
            Policy = recordOf is null ? null : PolicyChanges.Compare(baseWorkspace, baseLocks, head, headLocks, recordOf, today ?? LockGate.Today),
        };
    }

    /// <summary>The stacks a deployment of this change would touch (in the head; a removed stack is nobody's to preview).</summary>
    public IReadOnlyList<string> AffectedStacks => Stacks.Where(s => s.Affected).Select(s => s.Stack).ToList();

    public string ToMarkdown()
    {
        var summary = Render(fold: false);
        return summary.Count(c => c == '\n') > ScreenLines ? Render(fold: true) : summary;
    }

    private string Render(bool fold)
    {
        var sb = new StringBuilder();
        sb.Append("## Beacon: changes against `").Append(BaseRef).Append("`\n\n");
        var changed = Layers.Where(l => l.Kind != LayerChangeKind.Unchanged).ToList();
        if (changed.Count == 0)
        {
            sb.Append("No layer changes.\n\n");
        }
        else
        {
            sb.Append("| layer | change | packages |\n|---|---|---|\n");
            foreach (var l in changed)
            {
                var kind = l.Kind == LayerChangeKind.Forked ? $"forked from `{l.ForkedFrom}`" : l.Kind.ToString().ToLowerInvariant();
                sb.Append("| `").Append(l.Layer).Append("` | ").Append(kind).Append(" | ").Append(Counts(l)).Append(" |\n");
            }
            sb.Append('\n');
            foreach (var l in changed.Where(l => l.Packages.Count > 0 || l.PipAdded.Count > 0 || l.PipRemoved.Count > 0 || l.BaseImage is not null))
            {
                var details = new StringBuilder();
                if (l.BaseImage is var (pinBefore, pinAfter))
                {
                    // Every image of the tree is rebuilt FROM the new pin: reviewers see which image it is, by digest.
                    details.Append("- base image: ").Append(pinBefore is null ? "(not pinned)" : CodeUpTo(pinBefore, 200)).Append(" → ")
                        .Append(pinAfter is null ? "(not pinned)" : CodeUpTo(pinAfter, 200)).Append('\n');
                }
                if (l.Packages.Count > 0)
                {
                    details.Append("| package | change | before | after |\n|---|---|---|---|\n");
                    foreach (var p in l.Packages)
                    {
                        details.Append("| ").Append(p.Name).Append(" | ").Append(p.Kind.ToString().ToLowerInvariant()).Append(" | ")
                            .Append(p.From ?? "").Append(" | ").Append(p.To ?? "").Append(" |\n");
                    }
                }
                foreach (var pip in l.PipAdded)
                {
                    details.Append("- pip requirement added: `").Append(pip).Append("`\n");
                }
                foreach (var pip in l.PipRemoved)
                {
                    details.Append("- pip requirement removed: `").Append(pip).Append("`\n");
                }
                Section(sb, $"`{l.Layer}`", details.ToString(), fold);
            }
        }
        if (RepositorySettings.Count > 0)
        {
            sb.Append("`beacon.yaml` changes ").Append(string.Join(", ", RepositorySettings.Select(Code)))
                .Append(" (deployments change only where a stack below says so).\n\n");
        }
        if (Policy is { Any: true } policy)
        {
            sb.Append("### Policy\n\n");
            if (policy.NewFindings.Count > 0)
            {
                sb.Append("New findings (`beacon check` fails on each until it is fixed or excepted in `policy.yaml`):\n\n");
                foreach (var f in policy.NewFindings)
                {
                    sb.Append("- `").Append(f.Layer).Append("`: ").Append(Markdown(f.Record.Name)).Append(' ').Append(Markdown(f.Record.Version.Text))
                        .Append(" — ").Append(DiagnosticCodes.Id(f.Diagnostic.Code)).Append(' ').Append(Markdown(f.Advisory?.Id ?? f.Rule)).Append('\n');
                }
                sb.Append('\n');
            }
            if (policy.NewExceptions.Count > 0)
            {
                sb.Append("New exceptions (accepted findings):\n\n");
                foreach (var e in policy.NewExceptions)
                {
                    sb.Append("- ").Append(CodeUpTo(e.Rule, 100)).Append(" on ").Append(CodeUpTo(e.PackageText, 100))
                        .Append(e.Layers.Count == 0 ? " in every layer" : " in " + string.Join(", ", e.Layers.Select(l => $"`{l}`")))
                        .Append(", owner ").Append(CodeUpTo(e.Owner, 100)).Append(", until ").Append(e.Expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
                        .Append(": ").Append(Markdown(e.Reason)).Append('\n');
                }
                sb.Append('\n');
            }
        }
        sb.Append("### Stacks\n\n");
        sb.Append("| stack | change | images | workloads | node pools |\n|---|---|---|---|---|\n");
        foreach (var s in Stacks)
        {
            var change = s.Problems.Count > 0 && s.Kind != StackChangeKind.Removed ? "**cannot be planned**"
                : s.Kind == StackChangeKind.Unchanged ? "no changes" : s.Kind.ToString().ToLowerInvariant();
            sb.Append("| `").Append(s.Stack).Append("` (").Append(s.Cloud).Append(") | ").Append(change).Append(" | ").Append(ImageCounts(s)).Append(" | ")
                .Append(s.Workloads.Count == 0 ? "—" : string.Join(", ", s.Workloads.GroupBy(w => w.Kind).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"))).Append(" | ")
                .Append(s.NodePools.Count == 0 ? "—" : string.Join(", ", s.NodePools.GroupBy(p => p.Kind).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")))
                .Append(" |\n");
        }
        sb.Append('\n');
        foreach (var s in Stacks.Where(s => s.Kind != StackChangeKind.Unchanged || s.Problems.Count > 0))
        {
            var details = new StringBuilder();
            if (s.Settings.Count > 0)
            {
                details.Append("- stack settings changed: ").Append(string.Join(", ", s.Settings.Select(Code))).Append('\n');
            }
            var planChanged = s.Images.Any(i => i.Kind != ImageChangeKind.Reused) || s.Workloads.Count > 0 || s.NodePools.Count > 0;
            if (s.ProgramChanged && !planChanged)
            {
                details.Append("- the deployment program changes outside the plan (a stack setting it carries); the preview shows how\n");
            }
            foreach (var kind in new[] { ImageChangeKind.Rebuilt, ImageChangeKind.Added, ImageChangeKind.Removed, ImageChangeKind.Reused })
            {
                var layers = s.Layers(kind);
                if (layers.Count > 0)
                {
                    details.Append("- images ").Append(kind == ImageChangeKind.Reused ? "reused unchanged" : kind.ToString().ToLowerInvariant()).Append(": ")
                        .Append(string.Join(", ", layers.Select(l => $"`{l}`"))).Append('\n');
                }
            }
            foreach (var p in s.NodePools)
            {
                details.Append("- node pool `").Append(p.Pool).Append("` ").Append(p.Kind.ToString().ToLowerInvariant())
                    .Append(p.Kind switch
                    {
                        NodePoolChangeKind.Added => $": {p.After}",
                        NodePoolChangeKind.Removed => $" (was {p.Before})",
                        _ => $": {p.Before} → {p.After}",
                    }).Append('\n');
            }
            foreach (var problem in s.Problems)
            {
                details.Append("- **cannot be planned**: ").Append(problem).Append('\n');
            }
            if (s.Workloads.Count > 0)
            {
                details.Append("\n| workload | change | before | after |\n|---|---|---|---|\n");
                foreach (var w in s.Workloads)
                {
                    details.Append("| ").Append(w.Workload).Append(" | ").Append(w.Kind.ToString().ToLowerInvariant()).Append(" | ")
                        .Append(w.Before is null ? "—" : w.Kind == WorkloadChangeKind.Changed ? w.Before : $"`{w.Before}`").Append(" | ")
                        .Append(w.After is null ? "**none**" : w.Kind == WorkloadChangeKind.Changed ? w.After : $"`{w.After}`").Append(" |\n");
                }
            }
            Section(sb, $"stack `{s.Stack}`", details.ToString(), fold);
        }
        return sb.ToString();
    }

    private static void Section(StringBuilder sb, string title, string body, bool fold)
    {
        if (fold)
        {
            sb.Append("<details><summary>").Append(title).Append("</summary>\n\n").Append(body).Append("\n</details>\n\n");
        }
        else
        {
            sb.Append("### ").Append(title).Append("\n\n").Append(body).Append('\n');
        }
    }

    /// <summary>
    /// A key from a user's settings file as Markdown code: backticks, pipes and control characters cannot end the span
    /// or the table cell, and a long key is cut.
    /// </summary>
    private static string Code(string key) => CodeUpTo(key, 80);

    /// <summary>A user's text in Markdown prose: no markup, no HTML, no line breaks, at most 200 characters.</summary>
    private static string Markdown(string text)
    {
        var plain = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        plain = plain.Length > 200 ? plain[..200] + "…" : plain;
        var sb = new StringBuilder();
        foreach (var c in plain)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '#' or '!' or '~' or '&')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static string CodeUpTo(string key, int longest)
    {
        var text = new string(key.Select(c => c is '`' or '|' || char.IsControl(c) ? '?' : c).ToArray());
        return "`" + (text.Length > longest ? text[..longest] + "…" : text) + "`";
    }

    private static string Counts(LayerDiff layer)
    {
        var parts = Enum.GetValues<PackageChangeKind>()
            .Select(kind => (kind, n: layer.Packages.Count(c => c.Kind == kind)))
            .Where(x => x.n > 0)
            .Select(x => $"{x.n} {x.kind.ToString().ToLowerInvariant()}")
            .ToList();
        if (layer.PipAdded.Count + layer.PipRemoved.Count > 0)
        {
            parts.Add($"{layer.PipAdded.Count + layer.PipRemoved.Count} pip");
        }
        if (layer.BaseImage is not null)
        {
            parts.Add("base image");
        }
        return parts.Count == 0 ? "—" : string.Join(", ", parts);
    }

    private static string ImageCounts(StackDiff s)
    {
        var parts = new[] { ImageChangeKind.Rebuilt, ImageChangeKind.Added, ImageChangeKind.Removed, ImageChangeKind.Reused }
            .Select(kind => (kind, n: s.Images.Count(i => i.Kind == kind)))
            .Where(x => x.n > 0)
            .Select(x => $"{x.n} {x.kind.ToString().ToLowerInvariant()}");
        return string.Join(", ", parts) is { Length: > 0 } text ? text : "—";
    }

    public string ToJson() => JsonOptions.Write(new ChangeSummaryJson(
        BaseRef,
        Layers.Select(l => new LayerDiffJson(l.Layer, l.Kind.ToString().ToLowerInvariant(), l.ForkedFrom,
            l.Packages.Select(p => new PackageChangeJson(p.Name, p.Kind.ToString().ToLowerInvariant(), p.From, p.To)).ToList(), l.PipAdded, l.PipRemoved)
        {
            BaseImage = l.BaseImage is var (b, a) ? new ChangeJson(l.Layer, "base-image", b, a) : null,
        }).ToList(),
        Stacks.Select(s => new StackDiffJson(s.Stack, s.Cloud, s.Kind.ToString().ToLowerInvariant(),
            s.Images.Select(i => new ChangeJson(i.Layer, i.Kind.ToString().ToLowerInvariant(), i.Before, i.After)).ToList(),
            s.Workloads.Select(w => new ChangeJson(w.Workload, w.Kind.ToString().ToLowerInvariant(), w.Before, w.After)).ToList(),
            s.NodePools.Select(p => new ChangeJson(p.Pool, p.Kind.ToString().ToLowerInvariant(), p.Before, p.After)).ToList(),
            s.Problems, s.Settings, s.ProgramChanged, s.Affected)).ToList(),
        RepositorySettings, AffectedStacks)
    {
        Policy = Policy is null ? null : new PolicyChangesJson(
            Policy.NewFindings.Select(f => new PolicyFindingJson(f.Layer, f.Record.Name, f.Record.Version.Text, f.Record.Build, f.Advisory?.Id ?? f.Rule,
                DiagnosticCodes.Id(f.Diagnostic.Code), f.Diagnostic.Message)).ToList(),
            Policy.NewExceptions.Select(e => new PolicyExceptionJson(e.Rule, e.PackageText, e.Layers, e.Owner, e.Reason,
                e.Expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))).ToList()),
    }, ChangeSummaryJsonContext.Styled.ChangeSummaryJson);
}

/// <summary>The summary as <c>beacon diff --json</c> prints it.</summary>
public sealed record ChangeSummaryJson(string Base, IReadOnlyList<LayerDiffJson> Layers, IReadOnlyList<StackDiffJson> Stacks,
    IReadOnlyList<string> RepositorySettings, IReadOnlyList<string> AffectedStacks)
{
    /// <summary>New policy findings and exceptions; absent when the policy was not judged.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public PolicyChangesJson? Policy { get; init; }
}

public sealed record PolicyChangesJson(IReadOnlyList<PolicyFindingJson> NewFindings, IReadOnlyList<PolicyExceptionJson> NewExceptions);

public sealed record PolicyFindingJson(string Layer, string Package, string Version, string Build, string Rule, string Code, string Message);

public sealed record PolicyExceptionJson(string Rule, string Package, IReadOnlyList<string> Layers, string Owner, string Reason, string Expires);

public sealed record LayerDiffJson(string Layer, string Change, string? ForkedFrom, IReadOnlyList<PackageChangeJson> Packages, IReadOnlyList<string> PipAdded, IReadOnlyList<string> PipRemoved)
{
    /// <summary>A root's base-image pin before and after, when it moved; absent otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ChangeJson? BaseImage { get; init; }
}

public sealed record PackageChangeJson(string Name, string Change, string? Before, string? After);

public sealed record StackDiffJson(string Stack, string Cloud, string Change, IReadOnlyList<ChangeJson> Images, IReadOnlyList<ChangeJson> Workloads,
    IReadOnlyList<ChangeJson> NodePools, IReadOnlyList<string> Problems, IReadOnlyList<string> Settings, bool ProgramChanged, bool Affected);

/// <summary>One image (by layer), workload or node pool: how it changes, and its tag, layer or size before and after.</summary>
public sealed record ChangeJson(string Name, string Change, string? Before, string? After);

[JsonSerializable(typeof(ChangeSummaryJson))]
internal sealed partial class ChangeSummaryJsonContext : JsonSerializerContext
{
    public static ChangeSummaryJsonContext Styled { get; } = new(JsonOptions.Create());
}
