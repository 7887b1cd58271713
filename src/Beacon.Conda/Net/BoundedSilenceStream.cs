namespace Beacon.Conda.Net;

/// <summary>A body that sent nothing for longer than its reader waits; an IOException, so retries treat it as one.</summary>
public sealed class StalledException(string message) : IOException(message);

/// <summary>
/// A response body read with a bound on silence: each read that waits longer than <paramref name="idle"/> for a byte
/// ends in <see cref="StalledException"/>. A slow but moving download goes on; a server that sends its headers and
/// then nothing no longer hangs the build.
/// </summary>
public sealed class BoundedSilenceStream(Stream inner, TimeSpan idle, string what) : ReadOnlyStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(idle);
        try
        {
            return await inner.ReadAsync(buffer, timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StalledException($"{what}: nothing arrived for {idle.TotalSeconds:0.#} s");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
