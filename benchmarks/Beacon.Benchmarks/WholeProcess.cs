using System.Diagnostics;
using System.Globalization;

namespace Beacon.Benchmarks;

/// <summary>One command's whole-process figures: wall time over the runs and the largest peak resident set.</summary>
public sealed record ProcessFigures(double MinMs, double MedianMs, double MaxMs, long PeakRssKiB, int Runs);

/// <summary>
/// Times a whole process (start-up included), the way a user or Pulumi experiences a command. When GNU time is
/// installed (/usr/bin/time), each run goes through it and its peak resident set size (%M) is recorded too; the time
/// measured is still this process's stopwatch around start and exit.
/// </summary>
public static class WholeProcess
{
    private const string GnuTime = "/usr/bin/time";

    public static (double Min, double Median, double Max) Time(string fileName, IReadOnlyList<string> args, string cwd, int runs, Action<Process>? check = null)
    {
        var f = Measure(fileName, args, cwd, runs, environment: null, check);
        return (f.MinMs, f.MedianMs, f.MaxMs);
    }

    public static ProcessFigures Measure(string fileName, IReadOnlyList<string> args, string cwd, int runs,
        IReadOnlyDictionary<string, string>? environment = null, Action<Process>? check = null, int expectedExit = 0, Action? beforeEach = null)
    {
        var times = new List<double>();
        long peak = 0;
        var rssFile = Path.GetTempFileName();
        var withTime = File.Exists(GnuTime);
        try
        {
            for (var i = 0; i < runs + 1; i++)
            {
                beforeEach?.Invoke();
                var psi = new ProcessStartInfo(withTime ? GnuTime : fileName)
                {
                    WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true,
                };
                if (withTime)
                {
                    foreach (var a in new[] { "-f", "%M", "-o", rssFile, fileName })
                    {
                        psi.ArgumentList.Add(a);
                    }
                }
                foreach (var a in args)
                {
                    psi.ArgumentList.Add(a);
                }
                foreach (var (key, value) in environment ?? new Dictionary<string, string>())
                {
                    psi.Environment[key] = value;
                }
                var sw = Stopwatch.StartNew();
                using var p = Process.Start(psi)!;
                var stdout = p.StandardOutput.ReadToEndAsync();
                var err = p.StandardError.ReadToEnd();
                stdout.Wait();
                p.WaitForExit();
                sw.Stop();
                if (p.ExitCode != expectedExit)
                {
                    throw new InvalidOperationException($"{fileName} {string.Join(' ', args)} exited {p.ExitCode}: {err}");
                }
                check?.Invoke(p);
                if (withTime && long.TryParse(File.ReadAllText(rssFile).Trim().Split('\n')[^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib))
                {
                    peak = Math.Max(peak, kib);
                }
                if (i > 0)
                {
                    times.Add(sw.Elapsed.TotalMilliseconds); // the first run warms the disk cache and is dropped
                }
            }
        }
        finally
        {
            File.Delete(rssFile);
        }
        times.Sort();
        return new ProcessFigures(times[0], times[times.Count / 2], times[^1], peak, runs);
    }
}
