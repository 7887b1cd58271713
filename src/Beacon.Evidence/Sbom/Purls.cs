using System.Text;
using Beacon.Conda.Records;

namespace Beacon.Evidence.Sbom;

/// <summary>
/// Package URLs (purl-spec) for what an SBOM lists. A conda package: <c>pkg:conda/&lt;name&gt;@&lt;version&gt;</c> with the
/// qualifiers the conda type defines, sorted by key — <c>build</c>, <c>channel</c> (the channel's URL, where it is
/// stored), <c>subdir</c>, <c>type</c> (<c>conda</c> or <c>tar.bz2</c>). An image: <c>pkg:oci/&lt;name&gt;@&lt;digest&gt;</c>
/// with <c>repository_url</c>. Every component is percent-encoded except the unreserved characters.
/// </summary>
public static class Purls
{
    public static string Conda(PackageRecord record)
    {
        var type = record.FileName.EndsWith(".conda", StringComparison.Ordinal) ? "conda" : "tar.bz2";
        return $"pkg:conda/{Encode(record.Name.ToLowerInvariant())}@{Encode(record.Version.Text)}" +
               $"?build={Encode(record.Build)}&channel={Encode(record.Channel)}&subdir={Encode(record.Subdir)}&type={type}";
    }

    /// <param name="repository">host/path/name, without tag or digest.</param>
    public static string Oci(string repository, string digest) =>
        $"pkg:oci/{Encode(repository[(repository.LastIndexOf('/') + 1)..].ToLowerInvariant())}@{Encode(digest)}?repository_url={Encode(repository)}";

    private static string Encode(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'-' or (byte)'_' or (byte)'~')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2"));
            }
        }
        return sb.ToString();
    }
}
