using System.Text;
using Beacon.Conda;
using Beacon.Conda.Channels;
using Beacon.Conda.Specs;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Layers.Ownership;
using Beacon.Layers.Tree;
using Beacon.Layers.Validation;
using Beacon.Layers.Yaml;

namespace Beacon.Layers.Forking;

public sealed record ForkRequest(string Source, string NewName, string? Parent, IReadOnlyList<string> Add, string? Owner);

/// <summary>The fork's outcome: one of the three records below.</summary>
public abstract record ForkResult;

/// <summary>Written and locked: the two files to commit.</summary>
public sealed record Forked(string LayerFile, string LockFile, string? CodeOwnersFile) : ForkResult;

/// <summary>It does not lock on its parent (nothing written): why, and the nearest ancestor it locks on, if any.</summary>
public sealed record ForkNotLockable(string Explanation, string? ProposedParent) : ForkResult;

/// <summary>A request that cannot be made at all (an unknown layer, a taken name): a coded error, exit 2.</summary>
public sealed record ForkRefused(DiagnosticCode Code, string Message) : ForkResult;

/// <summary>
/// <c>beacon fork</c>: a new layer with the source's specs (an <c>--add</c> spec replaces the source's spec for the
/// same package), <c>stage: experimental</c>, written and locked only when it locks on its parent. When it does not,
/// the ancestors of that parent are tried, nearest first, and the first that works is proposed as the parent.
/// </summary>
public sealed class Forker(Workspace workspace, ChannelLoader loader)
{
    public async Task<ForkResult> ForkAsync(ForkRequest request, CancellationToken cancellationToken = default)
    {
        var tree = workspace.Tree;
        if (!tree.TryGet(request.Source, out var source))
        {
            return Fail(DiagnosticCode.UnknownLayerArgument, $"no layer '{request.Source}'{Suggestions.DidYouMean(request.Source, tree.TopologicalOrder.Select(l => l.Name))}");
        }
        if (!Names.IsDnsLabel(request.NewName))
        {
            return Fail(DiagnosticCode.InvalidName, $"'{request.NewName}' is not a valid layer name: use {Names.DnsLabelRule}");
        }
        if (tree.Contains(request.NewName) || File.Exists(workspace.FullPath($"layers/{request.NewName}.yaml")))
        {
            return Fail(DiagnosticCode.LayerExists, $"layer '{request.NewName}' already exists");
        }
        var parentName = request.Parent ?? source.Parent?.Value;
        if (parentName is null)
        {
            return Fail(DiagnosticCode.InvalidCommandLine, $"'{request.Source}' is the root; give the fork a parent with --parent (forking the root means a second core)");
        }
        if (!tree.Contains(parentName))
        {
            return Fail(DiagnosticCode.UnknownLayerArgument, $"no layer '{parentName}' to use as the parent{Suggestions.DidYouMean(parentName, tree.TopologicalOrder.Select(l => l.Name))}");
        }
        if (MatchSpec.TryParseAll(request.Add, "--add", out var added) is { } refusal)
        {
            return Fail(DiagnosticCode.InvalidMatchSpec, refusal);
        }
        if (request.Owner is { } owner && !Names.IsOwner(owner))
        {
            return Fail(DiagnosticCode.InvalidValue, $"owner '{owner}' is not a team or user handle");
        }

        var first = await TryParent(source, request, added, parentName, cancellationToken);
        if (first.Lock is not null)
        {
            var layerFile = $"layers/{request.NewName}.yaml";
            var files = new List<KeyValuePair<string, byte[]>>
            {
                new(workspace.FullPath(layerFile), AtomicFile.Utf8(first.Yaml)),
                new(workspace.FullPath(LockStore.RelativePath(request.NewName)), AtomicFile.Utf8(first.Lock)),
            };
            // A repository that keeps CODEOWNERS gets the new layer's lines with it, so that 'check' stays green.
            var codeOwners = File.Exists(workspace.FullPath(CodeOwners.RelativePath));
            if (codeOwners)
            {
                files.Add(new(workspace.FullPath(CodeOwners.RelativePath), AtomicFile.Utf8(CodeOwners.Render(first.Fork!))));
            }
            AtomicFile.WriteAll(files);
            return new Forked(layerFile, LockStore.RelativePath(request.NewName), codeOwners ? CodeOwners.RelativePath : null);
        }
        foreach (var ancestor in tree.Ancestors(parentName))
        {
            var attempt = await TryParent(source, request, added, ancestor.Name, cancellationToken);
            if (attempt.Lock is not null)
            {
                return new ForkNotLockable(first.Explanation!, ancestor.Name);
            }
        }
        return new ForkNotLockable(first.Explanation!, null);
    }

    private static ForkRefused Fail(DiagnosticCode code, string message) => new(code, message);

    private sealed record Attempt(string Yaml, string? Lock, string? Explanation, Workspace? Fork = null);

    /// <summary>Builds the fork's YAML for one parent and locks it in memory (nothing is written here).</summary>
    private async Task<Attempt> TryParent(LayerDocument source, ForkRequest request, List<MatchSpec> added, string parent, CancellationToken cancellationToken)
    {
        var yaml = Compose(source, request, added, parent);
        var bag = new DiagnosticBag();
        var file = $"layers/{request.NewName}.yaml";
        var node = YamlLoader.Load(yaml, file, bag);
        var document = node is null ? null : LayerReader.Read(file, node, bag);
        if (document is null || bag.HasErrors)
        {
            return new Attempt(yaml, null, string.Join("\n", bag.Items));
        }
        var layers = workspace.Tree.TopologicalOrder.Append(document).ToList();
        var fork = workspace with { Tree = LayerTree.FromValidated(layers) };
        using var locker = new Locker(fork, loader);
        var run = await locker.RunAsync(new LockOptions { Layers = [request.NewName] }, cancellationToken: cancellationToken);
        var result = run.Results.Single(r => r.Layer == request.NewName);
        if (run.Results.Any(r => r.Layer != request.NewName && r.Status is LockStatus.Locked or LockStatus.Failed))
        {
            return new Attempt(yaml, null, $"the locks of '{parent}' or its ancestors are not current; run 'beacon lock' first");
        }
        return result switch
        {
            LayerLocked locked => new Attempt(yaml, locked.Text, null, fork),
            LayerNotLocked failed => new Attempt(yaml, null, failed.Explanation),
            _ => new Attempt(yaml, null, $"'{request.NewName}' was not locked ({result.Status})"),
        };
    }

    /// <summary>The new layer file: source's keys, the new name and parent, replaced specs, stage experimental.</summary>
    private static string Compose(LayerDocument source, ForkRequest request, List<MatchSpec> added, string parent)
    {
        var sb = new StringBuilder();
        sb.Append("# Forked from '").Append(source.Name).Append("' by beacon fork: experimental until published.\n");
        sb.Append("name: ").Append(request.NewName).Append('\n');
        sb.Append("parent: ").Append(parent).Append('\n');
        sb.Append("forked-from: ").Append(source.Name).Append('\n');
        sb.Append("description: ").Append(Quote($"Fork of {source.Name}" + (source.Description is { } text ? $": {text}" : ""))).Append('\n');
        var owners = request.Owner is { } o ? [o] : source.Owners;
        if (owners.Count > 0)
        {
            sb.Append("owners: [").Append(string.Join(", ", owners.Select(Quote))).Append("]\n");
        }
        if (source.Channels is { } channels)
        {
            sb.Append("channels: [").Append(string.Join(", ", channels.Select(Quote))).Append("]\n");
        }
        var deps = source.Dependencies.Select(d => d.Spec).Where(s => added.All(a => a.Name != s.Name)).Concat(added).ToList();
        if (deps.Count > 0 || source.Pip.Count > 0)
        {
            sb.Append("dependencies:\n");
            foreach (var d in deps)
            {
                sb.Append("  - ").Append(Quote(d.ToString())).Append('\n');
            }
            if (source.Pip.Count > 0)
            {
                // Recorded, not solved (as in the source layer): the fork keeps them.
                sb.Append("  - pip:\n");
                foreach (var p in source.Pip)
                {
                    sb.Append("      - ").Append(Quote(p)).Append('\n');
                }
            }
        }
        if (source.System.Count > 0)
        {
            sb.Append("system:\n");
            foreach (var (k, v) in source.System)
            {
                sb.Append("  ").Append(k).Append(": ").Append(Quote(v)).Append('\n');
            }
        }
        if (source.Hardware is { } h)
        {
            sb.Append("hardware: ").Append(h.Value).Append('\n');
        }
        sb.Append("stage: experimental\n");
        if (source.Tests.Count > 0)
        {
            sb.Append("tests:\n");
            foreach (var t in source.Tests)
            {
                sb.Append("  - ").Append(Quote(t)).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>Double-quoted YAML scalar (values were validated; quoting keeps '*', ':' and '#' literal).</summary>
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
