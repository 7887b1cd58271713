using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Beacon.Docker.Engine;

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
        await DockerEngine.EnsureReachableAsync(client, cancellationToken);
        var results = new List<TestCaseResult>();
        foreach (var command in commands)
        {
            var watch = Stopwatch.StartNew();
            var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = image,
                Cmd = ["/bin/sh", "-c", command],
                Labels = new Dictionary<string, string> { ["io.beacon.test"] = suite },
            }, cancellationToken);
            try
            {
                await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(timeout);
                var timedOut = false;
                long exit;
                try
                {
                    exit = (await client.Containers.WaitContainerAsync(created.ID, limit.Token)).StatusCode;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    timedOut = true;
                    exit = -1;
                    await client.Containers.KillContainerAsync(created.ID, new ContainerKillParameters(), CancellationToken.None);
                }
                using var logs = await client.Containers.GetContainerLogsAsync(created.ID, false, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, cancellationToken);
                var (stdout, stderr) = await logs.ReadOutputToEndAsync(cancellationToken);
                results.Add(new TestCaseResult(suite, command, exit, stdout + stderr, watch.Elapsed, timedOut));
            }
            finally
            {
                await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
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

/// <summary>Which image digests passed their layer's tests: the evidence <c>beacon publish</c> requires.</summary>
public sealed class TestRecord(string path)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private sealed record Entry(string Layer, bool Passed, int Tests, DateTimeOffset At);

    public void Record(string imageId, string layer, bool passed, int tests)
    {
        var all = Load();
        all[imageId] = new Entry(layer, passed, tests, DateTimeOffset.UtcNow);
        Conda.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new SortedDictionary<string, Entry>(all, StringComparer.Ordinal), Indented));
    }

    /// <summary>True only when the tests of <paramref name="layer"/> passed for exactly this image id.</summary>
    public bool Passed(string imageId, string layer) => Load().TryGetValue(imageId, out var e) && e.Passed && e.Layer == layer;

    private Dictionary<string, Entry> Load()
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllText(path)) ?? [] : [];
        }
        catch (JsonException)
        {
            return []; // an unreadable record proves nothing: tests must run again
        }
    }
}
