using System.Runtime.CompilerServices;

namespace Beacon.TestSupport;

/// <summary>Locates the repository root and the read-only <c>../shared</c> fixtures next to it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared fixtures (real repodata, schemas) beside the repository: referenced, never copied.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string SharedFile(params string[] parts) => Path.Combine([Shared, .. parts]);

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
