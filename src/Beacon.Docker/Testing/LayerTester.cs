using Beacon.Docker.Engine;
using System.Diagnostics;
using System.Text;
using System.Xml.Linq;

namespace Beacon.Docker.Testing;

public sealed record TestCaseResult(string Suite, string Command, long ExitCode, string Output, TimeSpan Duration, bool TimedOut)
{
    public bool Passed => ExitCode == 0 && !TimedOut;
}

/// <summary>
/// Runs test commands inside an image: one container per command (<c>/bin/sh -c</c>), output captured, a time limit,
/// and the container removed afterwards whatever happened.
/// </summary>
public sealed class LayerTester(DockerClient client)
{
    public async Task<IReadOnlyList<TestCaseResult>> RunAsync(string image, string suite, IEnumerable<string> commands, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await client.PingAsync(cancellationToken);
        var results = new List<TestCaseResult>();
        foreach (var command in commands)
        {
            var watch = Stopwatch.StartNew();
            var id = await client.CreateContainerAsync(new ContainerCreate(image, ["/bin/sh", "-c", command],
                Labels: new Dictionary<string, string> { ["io.beacon.test"] = suite }), cancellationToken);
            try
            {
                await client.StartContainerAsync(id, cancellationToken);
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(timeout);
                var timedOut = false;
                long exit;
                try
                {
                    exit = await client.WaitContainerAsync(id, limit.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    timedOut = true;
                    exit = -1;
                    await client.KillContainerAsync(id, CancellationToken.None);
                }
                var (stdout, stderr) = await client.ContainerLogsAsync(id, cancellationToken);
                results.Add(new TestCaseResult(suite, command, exit, stdout + stderr, watch.Elapsed, timedOut));
            }
            finally
            {
                await client.RemoveContainerAsync(id, CancellationToken.None);
            }
        }
        return results;
    }

    /// <summary>A JUnit XML report (one testsuite per suite) for CI systems.</summary>
    public static string JUnit(IReadOnlyList<TestCaseResult> results)
    {
        var suites = results.GroupBy(r => r.Suite).Select(g => new XElement("testsuite",
            new XAttribute("name", g.Key),
            new XAttribute("tests", g.Count()),
            new XAttribute("failures", g.Count(r => !r.Passed)),
            new XAttribute("time", g.Sum(r => r.Duration.TotalSeconds).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)),
            g.Select(r => new XElement("testcase",
                new XAttribute("name", r.Command),
                new XAttribute("classname", g.Key),
                new XAttribute("time", r.Duration.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)),
                r.Passed ? null : new XElement("failure",
                    new XAttribute("message", r.TimedOut ? "timed out" : $"exit code {r.ExitCode}"), Clean(r.Output)),
                new XElement("system-out", Clean(r.Output))))));
        return new XDocument(new XElement("testsuites", suites)).ToString() + "\n";
    }

    /// <summary>XML cannot hold most control characters; test output may.</summary>
    private static string Clean(string text) => new(text.Where(c => c is '\n' or '\t' or '\r' || !char.IsControl(c)).ToArray());
}
