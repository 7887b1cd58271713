namespace Beacon.Evidence.Verification;

/// <summary>Names inside image archives as paths from their root: '\' as '/', no empty or "." parts, ".." resolved (never above the root).</summary>
public static class TarPaths
{
    public static string Normalise(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }
}
