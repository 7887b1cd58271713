namespace Beacon.Conda.Net;

/// <summary>A bound on how long Beacon waits for a server's answer.</summary>
public static class Deadline
{
    /// <summary>Waits for <paramref name="send"/> at most <paramref name="limit"/>; a server that never answers is a <see cref="StalledException"/>.</summary>
    public static async Task<T> AnswerWithinAsync<T>(Func<CancellationToken, Task<T>> send, TimeSpan limit, string what, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(limit);
        try
        {
            return await send(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StalledException($"{what}: no answer within {limit.TotalSeconds:0.#} s");
        }
    }
}
