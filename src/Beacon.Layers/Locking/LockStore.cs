using Beacon.Conda.Locks;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Loading;
using Beacon.Layers.Yaml;

namespace Beacon.Layers.Locking;

/// <summary>An existing lock as found on disk: its text (hashed by children) and the parsed lock, or why it is invalid.</summary>
public sealed record StoredLock(string Layer, string Path, string Text, LayerLock? Lock, Diagnostic? Error)
{
    public string Sha256 => LayerLock.Sha256Of(Text);
}

/// <summary>Reads and names lock files: <c>layers/&lt;name&gt;.lock</c> next to the layer.</summary>
public static class LockStore
{
    public static string RelativePath(string layer) => $"layers/{layer}.lock";

    /// <summary>A lock of ten thousand records is about 1.5 MB; a larger one is not a lock Beacon wrote.</summary>
    public const long MaxBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Present only while <c>beacon lock</c> renames a set of new locks into place: if it is still there, that run
    /// was killed half-way and the set is half old, half new.
    /// </summary>
    public const string JournalPath = "layers/.beacon-lock-journal";

    public static StoredLock? Read(Workspace workspace, string layer) => Read(workspace, layer, null);

    private static StoredLock? Read(Workspace workspace, string layer, Dictionary<string, Conda.Versions.Version>? versions)
    {
        var relative = RelativePath(layer);
        var path = workspace.FullPath(relative);
        if (!File.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            return null;
        }
        var bag = new DiagnosticBag();
        if (SourceText.Read(workspace.Root, path, relative, bag, MaxBytes, "lock files", keepByteOrderMark: true) is not { } text)
        {
            return new StoredLock(layer, relative, "", null, bag.Items[0]);
        }
        if (text.StartsWith('\uFEFF'))
        {
            // Locks are checked byte for byte against what 'beacon lock' writes, which has no byte order mark.
            return new StoredLock(layer, relative, text, null, Diagnostic.Error(new SourceLocation(relative, 1), DiagnosticCode.LockNotAsWritten,
                $"the lock starts with a UTF-8 byte order mark, which 'beacon lock' never writes (an editor added it?); run 'beacon lock {layer}'"));
        }
        var parsed = ExplicitLock.Parse(text, versions);
        if (!parsed.Success)
        {
            var line = parsed.Error.Position > 0 ? parsed.Error.Position : 1;
            return new StoredLock(layer, relative, text, null, Diagnostic.Error(new SourceLocation(relative, line), DiagnosticCode.InvalidLockFile,
                $"{parsed.Error.Message}; regenerate it with 'beacon lock {layer}' instead of editing it"));
        }
        return new StoredLock(layer, relative, text, new LayerLock(parsed.Value), null);
    }

    public static Dictionary<string, StoredLock> ReadAll(Workspace workspace)
    {
        var result = new Dictionary<string, StoredLock>(StringComparer.Ordinal);
        // Every child lock repeats its parent's records: their version texts are parsed once for the whole set.
        var versions = new Dictionary<string, Conda.Versions.Version>(StringComparer.Ordinal);
        foreach (var layer in workspace.Tree.TopologicalOrder)
        {
            if (Read(workspace, layer.Name, versions) is { } stored)
            {
                result[layer.Name] = stored;
            }
        }
        return result;
    }
}
