using System.Reflection;

namespace Beacon.GitOps.Workflows;

/// <summary>
/// The GitHub workflows of the pull-request / deploy / upgrade loop: this repository's own <c>.github/workflows</c>,
/// embedded at build time, so the files <c>beacon init</c> writes are the ones this repository runs and tests.
/// </summary>
public static class WorkflowFiles
{
    public const string Folder = ".github/workflows";

    /// <summary>Relative path (<c>.github/workflows/pull-request.yml</c>) → text, in name order.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = Load();

    private static SortedDictionary<string, string> Load()
    {
        var assembly = typeof(WorkflowFiles).Assembly;
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("workflows/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            files[$"{Folder}/{name["workflows/".Length..]}"] = reader.ReadToEnd();
        }
        return files;
    }
}
