using System.Text.RegularExpressions;

namespace Beacon.Oci.References;

/// <summary>
/// An image reference resolved to where a registry client fetches it: <c>[host[:port]/]path[:tag][@sha256:digest]</c>,
/// with Docker Hub's conventions (no host means registry-1.docker.io, a one-part path means library/). Registries on
/// loopback addresses are spoken to over plain HTTP (as Docker treats them), every other over HTTPS.
/// </summary>
public sealed partial record RemoteImage(string Host, string Repository, string? Tag, string? Digest)
{
    public const string DockerHub = "registry-1.docker.io";

    /// <summary>The reference to put in a manifest PUT or GET: the digest when there is one, else the tag (default "latest").</summary>
    public string Reference => Digest ?? Tag ?? "latest";

    public Uri BaseUri => new($"{(IsLoopback(Host) ? "http" : "https")}://{Host}/v2/");

    /// <summary>A planned image's reference (validated when it was named) as a registry client reaches it.</summary>
    public static RemoteImage Of(global::Beacon.Images.Naming.ImageReference reference) => Parse(reference.ToString());

    public static RemoteImage Parse(string text)
    {
        var m = Grammar().Match(text);
        if (!m.Success)
        {
            throw new FormatException($"'{text}' is not an image reference ([host[:port]/]path[:tag][@sha256:digest], lower-case path)");
        }
        var path = m.Groups["path"].Value;
        var first = path.Split('/')[0];
        string host;
        if (path.Contains('/') && (first.Contains('.') || first.Contains(':') || first == "localhost"))
        {
            host = first;
            path = path[(first.Length + 1)..];
        }
        else
        {
            host = DockerHub;
            if (!path.Contains('/'))
            {
                path = "library/" + path;
            }
        }
        if (host == "docker.io" || host == "index.docker.io")
        {
            host = DockerHub;
        }
        var tag = m.Groups["tag"].Success ? m.Groups["tag"].Value : null;
        var digest = m.Groups["digest"].Success ? m.Groups["digest"].Value : null;
        return new RemoteImage(host, path, digest is null ? tag ?? "latest" : tag, digest);
    }

    public RemoteImage WithDigest(string digest) => this with { Digest = digest };

    public override string ToString() =>
        $"{Host}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    private static bool IsLoopback(string host)
    {
        var name = host.Split(':')[0];
        return name is "localhost" or "127.0.0.1" or "[::1]" || name.StartsWith("127.", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^(?<path>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[0-9a-f]{64}))?$")]
    private static partial Regex Grammar();
}
