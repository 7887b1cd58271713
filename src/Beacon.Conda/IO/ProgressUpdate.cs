namespace Beacon.Conda;

public enum ProgressUnit
{
    Bytes,
    Packages,
    Layers,
}

/// <summary>
/// How far one piece of long work is (a package download, a layer push, the packages of a layer, the layers of a
/// build): <see cref="Key"/> names the piece across its updates, <see cref="Label"/> is what a person reads. The
/// libraries report these through <see cref="IProgress{T}"/>; the command line draws them as a live view on a
/// terminal or as timestamped lines in CI.
/// </summary>
public sealed record ProgressUpdate(string Key, string Label, ProgressUnit Unit, long Done, long? Total, bool Finished = false);

/// <summary>A read-only stream that reports the bytes read through it (a download or an upload as it goes).</summary>
public sealed class ProgressStream(Stream inner, IProgress<ProgressUpdate> progress, string key, string label, long? total) : Stream
{
    private long _done;
    private bool _finished;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => _done; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        if (read > 0)
        {
            _done += read;
            progress.Report(new ProgressUpdate(key, label, ProgressUnit.Bytes, _done, total));
        }
        else if (!_finished)
        {
            _finished = true;
            progress.Report(new ProgressUpdate(key, label, ProgressUnit.Bytes, _done, total, Finished: true));
        }
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
