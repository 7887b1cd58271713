using Beacon.Conda.Net;

namespace Beacon.Oci.Registry;

/// <summary>
/// An HTTP response's body that disposes the response with it, waits at most the client's silence bound for each
/// read (<see cref="BoundedSilenceStream"/>), and turns a cut or stalled connection into a <see cref="RegistryException"/>
/// naming what was being read.
/// </summary>
internal sealed class ResponseStream(HttpResponseMessage response, Stream body, TimeSpan silence, string what) : ReadOnlyStream
{
    private readonly BoundedSilenceStream _body = new(body, silence, what);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _body.ReadAsync(buffer, cancellationToken);
        }
        catch (StalledException e)
        {
            throw new RegistryException(e.Message);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException($"{what}: the connection broke ({e.Message})");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
            response.Dispose();
        }
        base.Dispose(disposing);
    }
}
