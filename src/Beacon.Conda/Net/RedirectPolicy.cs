using System.Net;

namespace Beacon.Conda.Net;

/// <summary>A redirect Beacon does not follow: to a scheme other than http(s), from https to http, or too many.</summary>
public sealed class UnsafeRedirectException(string message) : HttpRequestException(message);

/// <summary>
/// Follows redirects of GET and HEAD requests (301, 302, 303, 307, 308) up to <see cref="MaxRedirects"/> times, to
/// http and https only and never from https down to http; the Authorization header is dropped when the origin changes
/// (a registry's blob redirect to a storage bucket must not carry the registry's token). Other methods get the
/// redirect answer itself: an upload is never replayed somewhere else.
/// </summary>
public sealed class RedirectPolicy(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public const int MaxRedirects = 5;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        for (var hops = 0; IsRedirect(response.StatusCode) && (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head); hops++)
        {
            var from = request.RequestUri!;
            if (response.Headers.Location is not { } location)
            {
                return response;
            }
            response.Dispose();
            var target = location.IsAbsoluteUri ? location : new Uri(from, location);
            if (target.Scheme is not ("http" or "https"))
            {
                throw new UnsafeRedirectException($"{Printable(from)} redirects to {Printable(target)}, which is not http or https; Beacon does not follow it");
            }
            if (from.Scheme == "https" && target.Scheme == "http")
            {
                throw new UnsafeRedirectException($"{Printable(from)} redirects from https down to {Printable(target)}; Beacon does not follow it");
            }
            if (hops + 1 > MaxRedirects)
            {
                throw new UnsafeRedirectException($"{Printable(from)}: more than {MaxRedirects} redirects");
            }
            var next = new HttpRequestMessage(request.Method, target) { Version = request.Version };
            foreach (var header in request.Headers)
            {
                next.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            if (!SameOrigin(from, target))
            {
                next.Headers.Authorization = null;
            }
            request = next;
            response = await base.SendAsync(request, cancellationToken);
        }
        return response;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static bool SameOrigin(Uri a, Uri b) => a.Scheme == b.Scheme && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private static string Printable(Uri uri) => Parsing.Printable.Of(uri.GetLeftPart(UriPartial.Path));
}
