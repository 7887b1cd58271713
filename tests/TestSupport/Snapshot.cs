using System.Runtime.CompilerServices;

namespace Beacon.TestSupport;

/// <summary>
/// Pins user-facing text in a <c>&lt;name&gt;.verified.txt</c> file beside the test (the way resolvo pins its
/// error messages). A mismatch writes <c>.received.txt</c> next to it and fails; set BEACON_ACCEPT_SNAPSHOTS=1 to
/// accept new text after reading the diff. CI never accepts: a missing snapshot fails there.
/// </summary>
internal static class Snapshot
{
    public static void Match(string actual, string name, [CallerFilePath] string file = "") =>
        MatchFile(actual, Path.Combine(Path.GetDirectoryName(file)!, "Snapshots", name + ".verified.txt"));

    /// <summary>Compares with an explicit verified file; the received copy goes beside it.</summary>
    public static void MatchFile(string actual, string verified)
    {
        var dir = Path.GetDirectoryName(verified)!;
        var name = Path.GetFileName(verified);
        var stem = name.EndsWith(".verified.txt", StringComparison.Ordinal) ? name[..^".verified.txt".Length] : Path.GetFileNameWithoutExtension(name);
        var received = Path.Combine(dir, stem + ".received.txt");
        var normalized = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        var accept = Environment.GetEnvironmentVariable("BEACON_ACCEPT_SNAPSHOTS") == "1"
            && Environment.GetEnvironmentVariable("CI") is null;
        if (File.Exists(verified) && File.ReadAllText(verified) == normalized)
        {
            File.Delete(received);
            return;
        }
        if (accept)
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(verified, normalized);
            File.Delete(received);
            return;
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(received, normalized);
        var expected = File.Exists(verified) ? File.ReadAllText(verified) : "<no verified snapshot>";
        Assert.Fail($"Snapshot '{name}' differs.\n--- verified\n{expected}\n--- received ({received})\n{normalized}");
    }
}
