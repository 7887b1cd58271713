namespace Beacon.Conda.Net;

/// <summary>
/// The one HTTP client Beacon's commands use for channels, packages and registries. Redirects are followed by
/// <see cref="RedirectPolicy"/>, not by the handler: .NET's own redirect handling follows a channel's
/// <c>Location: file:///etc/passwd</c> into an internal error, and a registry's redirect to plain HTTP would carry a
/// token in clear. There is no overall timeout here: each reader bounds its own waits (the time to an answer, the
/// longest silence in a body), because a whole-request timeout cuts off a large but moving download.
/// </summary>
public static class BeaconHttp
{
    public static HttpClient Create() => new(new RedirectPolicy(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    }))
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
