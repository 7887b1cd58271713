using Beacon.Conda.Repodata;
using Beacon.TestSupport;

namespace Beacon.Conda.Tests.Repodata;

/// <summary>
/// The content hash of plain repodata files is Dropbox's block construction with BLAKE3, reproduced here by independent
/// tools: coreutils' <c>split</c> into 4 MiB blocks, the reference implementation's <c>b3sum --raw</c> per block
/// (Debian's b3sum; scripts/services.sh up installs it), the digests given to <c>b3sum</c>.
/// </summary>
public sealed class BlockHashTests : IDisposable
{
    private readonly TempRepo _temp = new("beacon-block-hash-");

    public void Dispose() => _temp.Dispose();

    private static string OfFile(string path)
    {
        using var handle = File.OpenHandle(path);
        return BlockHash.Of(handle, RandomAccess.GetLength(handle));
    }

    private string ByB3sum(string path)
    {
        TestServices.NeedTool("b3sum");
        var blocks = _temp.Path_("blocks-" + Path.GetFileName(path));
        Directory.CreateDirectory(blocks);
        var script = "set -euo pipefail; split -b 4194304 -a 4 \"$1\" \"$2/b\"; "
                     + "for b in \"$2\"/b*; do b3sum --raw \"$b\"; done > \"$2/digests\"; "
                     + "b3sum --no-names \"$2/digests\"";
        var r = ProcessRunner.Run("bash", ["-c", script, "block-hash", path, blocks]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return BlockHash.Prefix + r.Stdout.Split(' ')[0].Trim();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(BlockHash.BlockSize - 1)]
    [InlineData(BlockHash.BlockSize)]
    [InlineData(2 * BlockHash.BlockSize)]
    [InlineData(5 * BlockHash.BlockSize + 12_345)]
    public void Equals_what_split_and_b3sum_compute(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var path = _temp.Path_($"file-{size}");
        File.WriteAllBytes(path, bytes);
        var hash = OfFile(path);
        Assert.Matches("^blake3-blocks:[0-9a-f]{64}$", hash);
        Assert.Equal(ByB3sum(path), hash);

        // One flipped bit anywhere gives another hash; the same bytes give the same one.
        bytes[size / 2] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.NotEqual(hash, OfFile(path));
        bytes[size / 2] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Equal(hash, OfFile(path));
    }

    [Fact]
    public void A_file_holding_another_file_s_block_digests_does_not_share_its_hash()
    {
        // The construction's known weak point in tree hashes without domain separation: a file that is the list of
        // another file's block digests. Here the outer input differs in length (one digest of that file), so no.
        var big = new byte[2 * BlockHash.BlockSize];
        new Random(7).NextBytes(big);
        var bigPath = _temp.Path_("big");
        File.WriteAllBytes(bigPath, big);
        var digests = Blake3.Hasher.Hash(big.AsSpan(0, BlockHash.BlockSize)).AsSpan().ToArray().Concat(
            Blake3.Hasher.Hash(big.AsSpan(BlockHash.BlockSize)).AsSpan().ToArray()).ToArray();
        var smallPath = _temp.Path_("small");
        File.WriteAllBytes(smallPath, digests);
        Assert.NotEqual(OfFile(bigPath), OfFile(smallPath));
    }

    [Fact]
    public void A_file_cut_short_while_it_is_hashed_fails_as_an_io_error_not_a_wrapped_one()
    {
        var path = _temp.Path_("short");
        File.WriteAllBytes(path, new byte[3 * BlockHash.BlockSize]);
        using var handle = File.OpenHandle(path);
        // The length read before hashing says more than the file holds now (as when it is truncated underneath).
        var e = Assert.Throws<IOException>(() => BlockHash.Of(handle, 5L * BlockHash.BlockSize));
        Assert.Equal("the file became shorter while it was hashed", e.Message);
    }
}
