using Beacon.Conda;

namespace Beacon.Docker.Engine;

/// <summary>The engine's progress lines of a push or a pull as byte updates, one piece per image layer (its short id).</summary>
public static class EngineTransfers
{
    /// <returns>null when nobody listens (the engine then streams without Beacon reading its lines).</returns>
    /// <remarks>A finished layer is reported with the bytes last seen for it (none when the engine had it already).</remarks>
    public static Action<ProgressMessage>? Report(IProgress<ProgressUpdate>? updates, string layer, string verb)
    {
        if (updates is null)
        {
            return null;
        }
        var seen = new Dictionary<string, (long Done, long? Total)>(StringComparer.Ordinal);
        return message =>
        {
            if (message.Id is not { Length: > 0 } id || message.Status is not { } status)
            {
                return;
            }
            var key = $"{verb}:{layer}:{id}";
            var label = $"{layer}: {verb} {id}";
            if (message.Detail is { Current: { } current } detail)
            {
                var total = detail.Total is > 0 ? detail.Total : null;
                // A pull downloads, then extracts: the download's bytes are the transfer; extraction re-counts them.
                if (status != "Extracting")
                {
                    seen[key] = (current, total);
                    updates.Report(new ProgressUpdate(key, label, ProgressUnit.Bytes, current, total));
                }
            }
            else if (status is "Pushed" or "Layer already exists" or "Pull complete" or "Already exists" || status.StartsWith("Mounted from", StringComparison.Ordinal))
            {
                var (done, total) = seen.GetValueOrDefault(key);
                updates.Report(new ProgressUpdate(key, label, ProgressUnit.Bytes, done, total, Finished: true));
            }
        };
    }
}
