using Beacon.Cli.Output;
using Beacon.Conda;
using Beacon.TestSupport;
using Spectre.Console.Testing;

namespace Beacon.Cli.Tests.Output;

/// <summary>
/// The two faces of progress over the same updates (those an oci build of two layers reports): timestamped lines for
/// CI, pinned as a snapshot, and Spectre's live view, rendered on its test console. A real build's lines are pinned by
/// the integration tests (OciBuildTests).
/// </summary>
public sealed class ProgressTests
{
    /// <summary>A clock that moves one second per reading.</summary>
    private sealed class Ticking : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 5, 6, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now = _now.AddSeconds(1);
    }

    private static void Build(IProgress<ProgressUpdate> progress, Action<string> message)
    {
        progress.Report(new ProgressUpdate("layers", "build", ProgressUnit.Layers, 0, 2));
        message("building core");
        progress.Report(new ProgressUpdate("packages:core", "core: packages", ProgressUnit.Packages, 0, 1));
        foreach (var done in new long[] { 65536, 131072, 196608, 262144, 271360 })
        {
            progress.Report(new ProgressUpdate("fetch:beacon-app-1.0-0.conda", "beacon-app-1.0-0.conda", ProgressUnit.Bytes, done, 271360));
        }
        progress.Report(new ProgressUpdate("fetch:beacon-app-1.0-0.conda", "beacon-app-1.0-0.conda", ProgressUnit.Bytes, 271360, 271360, Finished: true));
        progress.Report(new ProgressUpdate("packages:core", "core: packages", ProgressUnit.Packages, 1, 1, Finished: true));
        progress.Report(new ProgressUpdate("push:core", "core: layer", ProgressUnit.Bytes, 3 << 20, 12 << 20));
        progress.Report(new ProgressUpdate("push:core", "core: layer", ProgressUnit.Bytes, 12 << 20, 12 << 20, Finished: true));
        progress.Report(new ProgressUpdate("layers", "build", ProgressUnit.Layers, 1, 2));
        message("reused app: 127.0.0.1:5000/acme/app:0123 is in the registry");
        progress.Report(new ProgressUpdate("layers", "build", ProgressUnit.Layers, 2, 2, Finished: true));
    }

    [Fact]
    public void Plain_lines_carry_the_time_and_a_transfer_shows_at_most_its_quarters()
    {
        var text = new StringWriter();
        var plain = new PlainProgress(text, new Ticking());
        Build(plain, plain.Message);
        Snapshot.Match(text.ToString(), "plain-progress");
    }

    [Fact]
    public async Task The_terminal_view_has_one_bar_per_transfer_and_count_each_complete_at_the_end()
    {
        var console = new TestConsole().Interactive().Width(100);
        await TerminalProgress.RunAsync(console, view =>
        {
            Build(view, view.Message);
            return Task.FromResult(0);
        });
        var output = console.Output;
        Assert.Contains("building core", output, StringComparison.Ordinal);
        Assert.Contains("reused app: 127.0.0.1:5000/acme/app:0123 is in the registry", output, StringComparison.Ordinal);
        var last = output[output.LastIndexOf("build  2/2", StringComparison.Ordinal)..];
        foreach (var line in new[] { "build  2/2", "core: packages  1/1", "beacon-app-1.0-0.conda  265.0 KiB/265.0 KiB", "core: layer  12.0 MiB/12.0 MiB" })
        {
            Assert.Contains(line, output, StringComparison.Ordinal);
        }
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Count(last, "100%"));
    }
}
