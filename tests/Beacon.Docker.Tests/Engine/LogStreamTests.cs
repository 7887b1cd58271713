using System.Text;
using Beacon.Docker.Engine;

namespace Beacon.Docker.Tests.Engine;

/// <summary>The engine's multiplexed log format (8-byte frame headers), as documented for containers without a TTY.</summary>
public class LogStreamTests
{
    private static byte[] Frame(byte stream, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var header = new byte[] { stream, 0, 0, 0, (byte)(payload.Length >> 24), (byte)(payload.Length >> 16), (byte)(payload.Length >> 8), (byte)payload.Length };
        return [.. header, .. payload];
    }

    [Fact]
    public async Task Splits_stdout_and_stderr_frames_in_order()
    {
        var bytes = Frame(1, "one\n").Concat(Frame(2, "oops\n")).Concat(Frame(1, "two\n")).ToArray();
        var (stdout, stderr) = await LogStream.DemultiplexAsync(new MemoryStream(bytes));
        Assert.Equal("one\ntwo\n", stdout);
        Assert.Equal("oops\n", stderr);
    }

    [Fact]
    public async Task Frames_split_across_reads_are_reassembled()
    {
        var bytes = Frame(1, new string('x', 100_000)).Concat(Frame(2, "end")).ToArray();
        var (stdout, stderr) = await LogStream.DemultiplexAsync(new TrickleStream(bytes, chunk: 7));
        Assert.Equal(100_000, stdout.Length);
        Assert.Equal("end", stderr);
    }

    [Fact]
    public async Task A_truncated_frame_keeps_what_arrived()
    {
        var bytes = Frame(1, "complete\n").Concat(Frame(1, "cut short").Take(12)).ToArray();
        var (stdout, _) = await LogStream.DemultiplexAsync(new MemoryStream(bytes));
        Assert.Equal("complete\ncut ", stdout);
    }

    [Fact]
    public async Task Output_beyond_the_limit_is_cut_and_says_so()
    {
        var big = new string('y', LogStream.MaxBytes);
        var bytes = Frame(1, big).Concat(Frame(1, "more")).ToArray();
        var (stdout, _) = await LogStream.DemultiplexAsync(new MemoryStream(bytes));
        Assert.EndsWith("[output cut at 4 MiB]\n", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("more", stdout, StringComparison.Ordinal);
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, as a socket may.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
