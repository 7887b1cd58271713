using System.Text;
using Beacon.Conda.Channels;
using Beacon.Layers.Gate;
using Beacon.Layers.Loading;
using Beacon.Layers.Locking;
using Beacon.TestSupport;
using Xunit.Abstractions;

namespace Beacon.Layers.Tests.Gate;

/// <summary>
/// Fuzz (issue 10), the gate as a security boundary: a committed lock edited in any way — URLs, hashes, headers,
/// records swapped or duplicated, bytes inserted — must not pass <c>beacon check</c> unless the text is unchanged. The
/// gate never throws on what it reads.
/// </summary>
public class LockGateFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Tokens =
    [
        "\n", "#", " ", "0", "a", "f", "1", "-", ".", "/", "_", "https://evil.example/", "http://", "file:///etc/", "#sha256:", "#md5:", "# layer: core\n",
        "# requires-virtual: ", "# constrains-virtual: ", "# parent: ", "# beacon-lock: 2\n", "conda-forge", "linux-64", "noarch", ".tar.bz2", ".conda",
        "py311", "\r", "\u00a0", "\ud800",
    ];

    [Fact]
    public async Task No_edit_of_a_lock_passes_the_gate()
    {
        using var repo = new TempRepo("beacon-fuzz-gate-");
        repo.CopyExample();
        var workspace = WorkspaceLoader.Load(repo.Root).Workspace!;
        var channels = await ChannelIndex.LoadAsync(workspace, new ChannelLoader(null));
        Assert.True((await LockGate.RunAsync(workspace, channels)).Passed);
        string[] layers = ["core", "snowflake", "gpu-ml"];
        var locks = layers.Select(LockStore.RelativePath).ToArray();
        var committed = LockStore.ReadAll(workspace);
        var originals = locks.Select(l => File.ReadAllText(repo.Path_(l))).ToArray();
        Fuzz.Run("gate on edited locks", Mutations.Indexed(originals, Tokens), input =>
        {
            var path = repo.Path_(locks[input.Seed]);
            // Written as bytes (a lone surrogate becomes U+FFFD, as any editor would save it): the gate reads bytes.
            var bytes = Encoding.UTF8.GetBytes(input.Text);
            File.WriteAllBytes(path, bytes);
            try
            {
                // The other locks as read once; the edited one read from disk as the gate reads every lock.
                var stored = new Dictionary<string, StoredLock>(committed) { [layers[input.Seed]] = LockStore.Read(workspace, layers[input.Seed])! };
                var gate = new GateResult(workspace, stored, LockGate.CheckAsync(workspace, stored, channels).GetAwaiter().GetResult());
                Assert.True(gate.Passed == bytes.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(originals[input.Seed])),
                    $"gate {(gate.Passed ? "passed" : "failed")}: {string.Join("\n", gate.Diagnostics)}");
            }
            finally
            {
                File.WriteAllText(path, originals[input.Seed]);
            }
        }, output, input => $"{locks[input.Seed]}: {Fuzz.Show(input.Text)}");
    }
}
