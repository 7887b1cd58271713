using Beacon.Conda;
using Spectre.Console;

namespace Beacon.Cli.Output;

/// <summary>
/// Progress at a terminal: one live bar per download, upload and count (Spectre.Console's progress display), each
/// labelled with what it moves and how much of it; messages are written above the bars.
/// </summary>
internal sealed class TerminalProgress(ProgressContext context, IAnsiConsole console) : IProgress<ProgressUpdate>
{
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Runs <paramref name="work"/> under a live progress display on <paramref name="console"/>.</summary>
    public static Task<T> RunAsync<T>(IAnsiConsole console, Func<TerminalProgress, Task<T>> work) =>
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .StartAsync(context => work(new TerminalProgress(context, console)));

    public void Message(string line)
    {
        lock (_gate)
        {
            console.WriteLine(Beacon.Layers.Diagnostics.TerminalText.Clean(line));
        }
    }

    public void Report(ProgressUpdate update)
    {
        lock (_gate)
        {
            var description = Markup.Escape(Describe(update));
            if (!_tasks.TryGetValue(update.Key, out var task))
            {
                task = context.AddTask(description, maxValue: Math.Max(1, update.Total ?? 1));
                task.IsIndeterminate = update.Total is null;
                _tasks[update.Key] = task;
            }
            task.Description = description;
            if (update.Total is { } total)
            {
                task.MaxValue = Math.Max(1, total);
            }
            task.Value = update.Finished ? task.MaxValue : update.Done;
            if (update.Finished)
            {
                task.StopTask();
            }
        }
    }

    private static string Describe(ProgressUpdate update) => update.Unit switch
    {
        ProgressUnit.Bytes => $"{update.Label}  {ByteSizes.Text(update.Done)}{(update.Total is { } t ? "/" + ByteSizes.Text(t) : "")}",
        ProgressUnit.Packages => $"{update.Label}  {update.Done}/{update.Total}",
        _ => $"{update.Label}  {update.Done}/{update.Total}",
    };
}
