using System.Security.Cryptography;

namespace Beacon.Conda.Packages;

/// <summary>What one copied file weighs: its sha256 and size as the package holds it, and as written into the prefix.</summary>
internal sealed record CopiedFile(string Sha256, long Size, string WrittenSha256, long WrittenSize);

/// <summary>
/// Copies a package file into the prefix in fixed-size chunks (memory does not grow with the file: CUDA libraries
/// pass 2 GiB), replacing its prefix placeholder on the way: in a text file every occurrence; in a binary file each
/// NUL-terminated string holding it is rewritten and padded with NULs before its terminator, so every offset after
/// the string stays where the linker put it. Both sides are hashed as they pass.
/// </summary>
internal static class PrefixRewriter
{
    private const int ChunkSize = 1 << 20;

    public static CopiedFile Copy(Stream input, Stream output, byte[]? from, byte[] to, bool binary)
    {
        using var inHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var outHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var overlap = from is null ? 0 : from.Length - 1;
        var buffer = new byte[ChunkSize + overlap];
        long inSize = 0, outSize = 0, padding = 0;
        var filled = 0;

        void Emit(ReadOnlySpan<byte> bytes)
        {
            output.Write(bytes);
            outHash.AppendData(bytes);
            outSize += bytes.Length;
        }

        void EmitZeros(long count)
        {
            Span<byte> zeros = stackalloc byte[4096];
            zeros.Clear();
            for (; count > 0; count -= Math.Min(count, zeros.Length))
            {
                Emit(zeros[..(int)Math.Min(count, zeros.Length)]);
            }
        }

        // Bytes of the input as they are; a NUL ends the string being shortened, so the padding goes before it.
        void EmitPlain(ReadOnlySpan<byte> bytes)
        {
            if (padding > 0 && bytes.IndexOf((byte)0) is var nul and >= 0)
            {
                Emit(bytes[..nul]);
                EmitZeros(padding);
                padding = 0;
                bytes = bytes[nul..];
            }
            Emit(bytes);
        }

        while (true)
        {
            var read = input.Read(buffer, filled, ChunkSize);
            var end = read == 0;
            inHash.AppendData(buffer, filled, read);
            inSize += read;
            filled += read;
            var span = buffer.AsSpan(0, filled);
            var position = 0;
            if (from is not null)
            {
                int at;
                while ((at = span[position..].IndexOf(from)) >= 0)
                {
                    EmitPlain(span.Slice(position, at));
                    Emit(to);
                    if (binary)
                    {
                        padding += from.Length - to.Length;
                    }
                    position += at + from.Length;
                }
            }
            // The tail that could still begin a placeholder waits for the next chunk.
            var keep = end ? 0 : Math.Min(overlap, filled - position);
            EmitPlain(span[position..(filled - keep)]);
            span[(filled - keep)..].CopyTo(buffer);
            filled = keep;
            if (end)
            {
                EmitZeros(padding);
                break;
            }
        }
        return new CopiedFile(Convert.ToHexStringLower(inHash.GetHashAndReset()), inSize, Convert.ToHexStringLower(outHash.GetHashAndReset()), outSize);
    }
}
