using System.Globalization;
using Beacon.Conda;
using Beacon.Layers.Diagnostics;

namespace Beacon.Cli.Output;

/// <summary>
/// Progress as a CI log wants it: one timestamped line (UTC, ISO 8601) per message, per count that moves (packages,
/// images), and per quarter of a byte transfer (its start, 25/50/75 %, its end) — a log of a 5 GiB push stays a few
/// lines, and nothing is redrawn.
/// </summary>
internal sealed class PlainProgress(TextWriter writer, TimeProvider clock) : IProgress<ProgressUpdate>
{
    private readonly Dictionary<string, int> _quarters = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Message(string line) => Write(TerminalText.Clean(line));

    public void Report(ProgressUpdate update)
    {
        lock (_gate)
        {
            if (update.Unit != ProgressUnit.Bytes)
            {
                Write($"{update.Label}  {update.Done}/{update.Total} {(update.Unit == ProgressUnit.Packages ? "packages" : "images")}{(update.Finished ? "  done" : "")}");
                return;
            }
            var quarter = update.Finished ? 4 : update.Total is > 0 and var total ? (int)Math.Min(3, update.Done * 4 / total) : 0;
            if (_quarters.TryGetValue(update.Key, out var shown) && shown >= quarter)
            {
                return;
            }
            _quarters[update.Key] = quarter;
            var of = update.Total is { } t ? $"/{ByteSizes.Text(t)}" : "";
            Write($"{update.Label}  {ByteSizes.Text(update.Done)}{of}{(update.Finished ? "  done" : "")}");
        }
    }

    private void Write(string text) =>
        writer.WriteLine($"{clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}  {text}");
}
