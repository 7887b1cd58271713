using System.Runtime.CompilerServices;

namespace Beacon.TestSupport;

/// <summary>Locates the repository root (test data lives under it: see <see cref="Fixtures"/>).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string RepoFile(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The folder of the calling test source file (for snapshots and fixtures that live beside tests).</summary>
    public static string SourceDir([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Beacon.Iac.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Beacon.Iac.sln not found above " + AppContext.BaseDirectory);
    }
}
