using System.Security.Cryptography;
using System.Text;
using Beacon.Conda.Packages;

namespace Beacon.Conda.Tests.Packages;

/// <summary>
/// The streaming placeholder replacement against the whole-file one it replaced (every occurrence in a text file;
/// in a binary file each NUL-terminated string rewritten and padded with NULs before its terminator), on files
/// larger than one 1 MiB chunk with placeholders straddling every position of the chunk boundary.
/// </summary>
public sealed class PrefixRewriterTests
{
    private static readonly byte[] From = Encoding.UTF8.GetBytes("/opt/anaconda1anaconda2anaconda3");
    private static readonly byte[] To = Encoding.UTF8.GetBytes("/opt/conda");

    public static TheoryData<bool, int> Boundaries()
    {
        var data = new TheoryData<bool, int>();
        foreach (var binary in new[] { false, true })
        {
            for (var k = 0; k <= From.Length; k += 4)
            {
                data.Add(binary, k);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Streaming_gives_the_bytes_the_whole_file_replacement_gives(bool binary, int beforeBoundary)
    {
        var random = new Random(beforeBoundary * 2 + (binary ? 1 : 0));
        var data = new byte[(3 << 20) + 123];
        random.NextBytes(data);
        // Placeholders straddling the first chunk boundary and scattered elsewhere, some in strings without a NUL for a while.
        foreach (var at in new[] { (1 << 20) - beforeBoundary, 17, (2 << 20) - 1, data.Length - From.Length - 3, 500_000 })
        {
            From.CopyTo(data, at);
        }
        var output = new MemoryStream();
        var copied = PrefixRewriter.Copy(new MemoryStream(data), output, From, To, binary);

        var expected = binary ? CStrings(data) : Replace(data);
        Assert.Equal(expected, output.ToArray());
        Assert.Equal((Hex(data), data.LongLength, Hex(expected), expected.LongLength), (copied.Sha256, copied.Size, copied.WrittenSha256, copied.WrittenSize));
        if (binary)
        {
            Assert.Equal(data.Length, expected.Length);
        }
    }

    [Fact]
    public void A_file_without_a_placeholder_is_copied_as_it_is()
    {
        var data = Encoding.UTF8.GetBytes("#!/bin/sh\necho plain\n");
        var output = new MemoryStream();
        var copied = PrefixRewriter.Copy(new MemoryStream(data), output, null, To, binary: false);
        Assert.Equal(data, output.ToArray());
        Assert.Equal(copied.Sha256, copied.WrittenSha256);
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] Replace(byte[] data)
    {
        var output = new MemoryStream();
        var span = data.AsSpan();
        int at;
        while ((at = span.IndexOf(From)) >= 0)
        {
            output.Write(span[..at]);
            output.Write(To);
            span = span[(at + From.Length)..];
        }
        output.Write(span);
        return output.ToArray();
    }

    private static byte[] CStrings(byte[] data)
    {
        var result = (byte[])data.Clone();
        var position = 0;
        while (position < result.Length)
        {
            var at = result.AsSpan(position).IndexOf(From);
            if (at < 0)
            {
                break;
            }
            var start = position + at;
            var end = result.AsSpan(start).IndexOf((byte)0);
            end = end < 0 ? result.Length : start + end;
            var rewritten = Replace(result[start..end]);
            rewritten.CopyTo(result, start);
            result.AsSpan(start + rewritten.Length, end - start - rewritten.Length).Clear();
            position = end;
        }
        return result;
    }
}
