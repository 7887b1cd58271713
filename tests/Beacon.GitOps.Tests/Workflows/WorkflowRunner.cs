using System.Text;
using Beacon.TestSupport;

namespace Beacon.GitOps.Tests.Workflows;

/// <summary>
/// Plays a workflow's steps on a scripted git repository: the step's own `run:` text, read from the workflow file,
/// through bash, with the runner's variables (RUNNER_TEMP, GITHUB_OUTPUT) and the step's `env:` (its `${{ … }}`
/// values given by the test), and `./beacon` standing for the CLI built next to this test (a shim, visible in the
/// repository: the real wrapper builds Beacon natively, which a test has no minute for).
/// </summary>
internal sealed class WorkflowRunner : IDisposable
{
    private readonly TempRepo _temp = new("beacon-runner-");

    public WorkflowRunner(TempRepo repo, WorkflowDocument workflow)
    {
        Repo = repo;
        Workflow = workflow;
        repo.Write("beacon", $"#!/bin/sh\n# Test shim for the ./beacon wrapper: the CLI built next to the test.\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "beacon.dll")}' \"$@\"\n");
        Assert.Equal(0, ProcessRunner.Run("chmod", ["+x", repo.Path_("beacon")]).ExitCode);
        File.WriteAllText(_temp.Path_("output"), "");
    }

    public TempRepo Repo { get; }
    public WorkflowDocument Workflow { get; }
    public string RunnerTemp => _temp.Root;

    /// <summary>Runs step <paramref name="id"/>; <paramref name="expressions"/> supplies the values of its env's ${{ … }}.</summary>
    public ProcessResult Step(string id, IReadOnlyDictionary<string, string>? expressions = null) =>
        ProcessRunner.Run("bash", ["-eo", "pipefail", "-c", Workflow.Run(id)], Repo.Root, Environment(id, expressions), TimeSpan.FromMinutes(3));

    /// <summary>Starts step <paramref name="id"/> without waiting (a job that a test kills); output is read asynchronously.</summary>
    public System.Diagnostics.Process StartStep(string id, IReadOnlyDictionary<string, string>? expressions = null)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("bash") { WorkingDirectory = Repo.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-eo", "pipefail", "-c", Workflow.Run(id) })
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in Environment(id, expressions))
        {
            psi.Environment[name] = value;
        }
        var process = System.Diagnostics.Process.Start(psi)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Variables every step sees besides its env (BEACON_CACHE_DIR: this runner's own, as a CI machine has).</summary>
    public Dictionary<string, string?> Extra { get; } = [];

    private Dictionary<string, string?> Environment(string id, IReadOnlyDictionary<string, string>? expressions)
    {
        var env = new Dictionary<string, string?>
        {
            ["RUNNER_TEMP"] = _temp.Root,
            ["GITHUB_OUTPUT"] = _temp.Path_("output"),
            ["NO_COLOR"] = "1",
            ["BEACON_DEBUG"] = null,
        };
        foreach (var (name, value) in Extra)
        {
            env[name] = value;
        }
        foreach (var (name, value) in Workflow.Env(id))
        {
            env[name] = expressions?.GetValueOrDefault(value) ?? throw new InvalidOperationException($"step {id}: no value for {name}: {value}");
        }
        return env;
    }

    public string Output => File.ReadAllText(_temp.Path_("output"));

    /// <summary>Where the workflow tests pin what the steps printed.</summary>
    public static string Snapshots { get; } = Path.Combine(RepoPaths.SourceDir(), "Snapshots");

    /// <summary>A git command in a scripted repository; a failure fails the test with git's words.</summary>
    public static void Git(TempRepo repo, params string[] args)
    {
        var r = ProcessRunner.Run("git", args, repo.Root);
        Assert.True(r.ExitCode == 0, $"git {string.Join(' ', args)}: {r.Stderr}");
    }

    /// <summary>What a step printed, for a snapshot: its exit code, its stdout (annotations), its stderr lines.</summary>
    public static string Describe(string id, ProcessResult r)
    {
        var sb = new StringBuilder();
        sb.Append("== step ").Append(id).Append(": exit ").Append(r.ExitCode).Append('\n');
        sb.Append(r.Stdout);
        foreach (var line in r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            sb.Append("  stderr| ").Append(line).Append('\n');
        }
        return sb.ToString();
    }

    public void Dispose() => _temp.Dispose();
}
