using Beacon.Conda;
using Beacon.Conda.Channels;
using Beacon.Conda.Specs;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Diff;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.Layers.Tree;
using Beacon.Layers.Yaml;

namespace Beacon.Layers.Editing;

/// <summary><c>beacon add</c> / <c>beacon remove</c>: specs to add to a layer and package names to drop from it.</summary>
public sealed record DependencyEdit(string Layer, IReadOnlyList<string> Add, IReadOnlyList<string> Remove);

public abstract record DependencyEditResult;

/// <summary>Written: the layer file and the locks of the layer and its descendants, with what each lock gained and lost.</summary>
public sealed record DependenciesEdited(string LayerFile, LockRun Run, IReadOnlyList<LockChange> Changes) : DependencyEditResult;

/// <summary>The edited layer (or a descendant) does not lock: nothing was written.</summary>
public sealed record DependenciesNotLockable(LockRun Run, Workspace Edited) : DependencyEditResult;

/// <summary>A request that cannot be made (unknown layer, bad spec, a name the layer does not list): exit 2.</summary>
public sealed record DependencyEditRefused(DiagnosticCode Code, string Message, IReadOnlyList<Diagnostic> Diagnostics) : DependencyEditResult;

/// <summary>
/// Edits a layer's <c>dependencies:</c> in place (<see cref="LayerFileEdits.WithDependencies"/>: comments and order
/// kept), locks the layer and every layer built on it in memory, and writes the file and those locks as one set only
/// when all of them lock — the pixi add/remove a developer expects, on Beacon's tree.
/// </summary>
public sealed class DependencyEditor(Workspace workspace, ChannelLoader loader)
{
    public TimeSpan WaitLimit { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>For a root whose base image has no pin yet (<see cref="Locker.BaseImages"/>).</summary>
    public BaseImageResolver? BaseImages { get; init; }

    public async Task<DependencyEditResult> EditAsync(DependencyEdit edit, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var tree = workspace.Tree;
        if (!tree.TryGet(edit.Layer, out var layer))
        {
            return Refused(DiagnosticCode.UnknownLayerArgument, $"no layer '{edit.Layer}'{Suggestions.DidYouMean(edit.Layer, tree.TopologicalOrder.Select(l => l.Name))}");
        }
        if (MatchSpec.TryParseAll(edit.Add, null, out var specs) is { } refusal)
        {
            return Refused(DiagnosticCode.InvalidMatchSpec, refusal);
        }
        // One entry per package in a layer file: a second spec for a name, or '*', would have no entry to replace.
        var named = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < specs.Count; i++)
        {
            if (specs[i].Name is "*" || !named.Add(specs[i].Name))
            {
                return Refused(DiagnosticCode.InvalidMatchSpec, $"'{Conda.Parsing.Printable.Of(edit.Add[i])}': give one spec per package, each naming it");
            }
        }
        var file = workspace.FullPath(layer.File);
        // Read as the loader reads it (inside the repository, a regular file, bounded), not trusted because it loaded.
        var read = new DiagnosticBag();
        if (SourceText.Read(workspace.Root, file, layer.File, read) is not { } before)
        {
            return new DependencyEditRefused(read.Items[0].Code, $"{layer.File} cannot be edited; nothing was written", read.Items);
        }
        var listed = LayerFileEdits.DependencyNames(before);
        var unlisted = edit.Remove.Where(n => !listed.Contains(n, StringComparer.Ordinal)).ToList();
        if (unlisted.Count > 0)
        {
            return Refused(DiagnosticCode.InvalidCommandLine, $"layer '{edit.Layer}' does not list {string.Join(", ", unlisted.Select(n => $"'{Conda.Parsing.Printable.Of(n)}'"))} " +
                $"in {layer.File} (it lists: {(listed.Count == 0 ? "nothing" : string.Join(", ", listed))}); a package it inherits comes from its parent's file");
        }
        if (specs.FirstOrDefault(s => edit.Remove.Contains(s.Name, StringComparer.Ordinal)) is { } both)
        {
            return Refused(DiagnosticCode.InvalidCommandLine, $"'{both.Name}' is both added and removed");
        }

        var after = LayerFileEdits.WithDependencies(before, specs, edit.Remove.ToHashSet(StringComparer.Ordinal));
        var bag = new DiagnosticBag();
        var node = YamlLoader.Load(after, layer.File, bag);
        var document = node is null ? null : LayerReader.Read(layer.File, node, bag);
        if (document is null || bag.HasErrors)
        {
            return new DependencyEditRefused(DiagnosticCode.InvalidMatchSpec, $"the edited {layer.File} would not be a valid layer; nothing was written", bag.Items);
        }
        var edited = workspace with { Tree = LayerTree.FromValidated(tree.TopologicalOrder.Select(l => l.Name == edit.Layer ? document : l).ToList()) };
        using var locker = new Locker(edited, loader) { WaitLimit = WaitLimit, BaseImages = BaseImages };
        var layers = tree.Descendants(edit.Layer).Select(l => l.Name).Prepend(edit.Layer).ToList();
        var run = await locker.RunAsync(new LockOptions { Layers = layers }, progress, cancellationToken);
        if (!run.Success)
        {
            return new DependenciesNotLockable(run, edited);
        }
        locker.Write(run, before == after ? [] : [new(file, AtomicFile.Utf8(after))]);
        return new DependenciesEdited(layer.File, run, LockChanges.Of(run));
    }

    private static DependencyEditRefused Refused(DiagnosticCode code, string message) => new(code, message, []);
}
