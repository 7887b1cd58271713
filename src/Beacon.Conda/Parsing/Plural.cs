using System.Globalization;

namespace Beacon.Conda.Parsing;

/// <summary>Counts in messages: "1 layer", "2 layers", never "1 layer(s)".</summary>
public static class Plural
{
    /// <param name="plural">The plural when it is not the noun and an 's' ("1 package changed" vs "2 dependencies").</param>
    public static string Of(int count, string noun, string? plural = null) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : plural ?? noun + "s");
}
