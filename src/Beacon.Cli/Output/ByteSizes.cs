using System.Globalization;

namespace Beacon.Cli.Output;

/// <summary>Byte counts as people read them (B, KiB, MiB, GiB; invariant digits): one formatter for every command.</summary>
internal static class ByteSizes
{
    public static string Text(long n) => n switch
    {
        < 1024 => $"{n} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{n / 1024.0:F1} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{n / 1024.0 / 1024:F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{n / 1024.0 / 1024 / 1024:F2} GiB"),
    };
}
