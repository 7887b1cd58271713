using System.Diagnostics;

namespace Beacon.Benchmarks;

/// <summary>Times a whole process (start-up included), the way a user or Pulumi experiences a command.</summary>
public static class WholeProcess
{
    public static (double Min, double Median, double Max) Time(string fileName, IReadOnlyList<string> args, string cwd, int runs, Action<Process>? check = null)
    {
        var times = new List<double>();
        for (var i = 0; i < runs + 1; i++)
        {
            var psi = new ProcessStartInfo(fileName) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEnd();
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            sw.Stop();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"{fileName} {string.Join(' ', args)} exited {p.ExitCode}: {err}");
            }
            check?.Invoke(p);
            if (i > 0)
            {
                times.Add(sw.Elapsed.TotalMilliseconds); // the first run warms the disk cache and is dropped
            }
        }
        times.Sort();
        return (times[0], times[times.Count / 2], times[^1]);
    }
}
