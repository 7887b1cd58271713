using System.Diagnostics;
using System.Text;

namespace Beacon.Benchmarks;

/// <summary>
/// A long git history for a generated repository, written with <c>git fast-import</c> (seconds for 20,000 commits):
/// the working tree as the first commit, then commits that each touch one file outside layers/ (the way most of an
/// organisation's history looks to Beacon), and a last commit that touches one layer file's lock.
/// </summary>
public static class History
{
    public static int Write(string root, int commits)
    {
        if (Directory.Exists(Path.Combine(root, ".git")))
        {
            Directory.Delete(Path.Combine(root, ".git"), recursive: true);
        }
        Git(root, "init -q");
        var script = new StringBuilder();
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/.git/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var mark = 0;
        void Commit(string message, IEnumerable<(string Path, byte[] Data)> changes)
        {
            mark++;
            script.Append(FormattableString.Invariant($"commit refs/heads/main\nmark :{mark}\ncommitter bench <bench@example.com> {1_700_000_000 + mark} +0000\n"));
            var m = Encoding.UTF8.GetBytes(message);
            script.Append(FormattableString.Invariant($"data {m.Length}\n")).Append(message).Append('\n');
            if (mark > 1)
            {
                script.Append(FormattableString.Invariant($"from :{mark - 1}\n"));
            }
            foreach (var (path, data) in changes)
            {
                // Inline data; every generated file is ASCII text, so the string builder holds it as is.
                script.Append(FormattableString.Invariant($"M 100644 inline {path}\ndata {data.Length}\n")).Append(Encoding.ASCII.GetString(data)).Append('\n');
            }
        }
        Commit("the generated tree", files.Select(f => (Path.GetRelativePath(root, f), File.ReadAllBytes(f))));
        for (var i = 1; i < commits; i++)
        {
            Commit($"change {i}", [($"docs/notes-{i % 50}.md", Encoding.ASCII.GetBytes($"note {i}\n"))]);
        }
        var psi = new ProcessStartInfo("git", "fast-import --quiet") { WorkingDirectory = root, RedirectStandardInput = true };
        using (var p = Process.Start(psi)!)
        {
            p.StandardInput.Write(script.ToString());
            p.StandardInput.Close();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException("git fast-import failed");
            }
        }
        Git(root, "symbolic-ref HEAD refs/heads/main");
        Git(root, "reset -q --hard main");
        return commits;
    }

    private static void Git(string root, string arguments)
    {
        using var p = Process.Start(new ProcessStartInfo("git", arguments) { WorkingDirectory = root })!;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {arguments} failed");
        }
    }
}
