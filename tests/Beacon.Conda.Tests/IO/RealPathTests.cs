using Beacon.Conda;
using Beacon.TestSupport;

namespace Beacon.Conda.Tests.IO;

/// <summary>RealPath against the file system itself: the answers are those of GNU realpath on the same tree.</summary>
public sealed class RealPathTests : IDisposable
{
    private readonly TempRepo _tree = new("beacon-realpath-");

    private string Root => RealPath.Of(_tree.Root);

    private string Gnu(string path)
    {
        var r = ProcessRunner.Run("realpath", ["-m", path]);
        Assert.Equal(0, r.ExitCode);
        return r.Stdout.TrimEnd('\n');
    }

    [Fact]
    public void Every_component_is_resolved_as_realpath_resolves_it()
    {
        _tree.Write("a/b/file.txt", "x");
        Directory.CreateDirectory(_tree.Path_("d"));
        File.CreateSymbolicLink(_tree.Path_("d/up"), "../a");            // a folder link
        File.CreateSymbolicLink(_tree.Path_("d/esc"), "up/../../..");    // .. after a link applies to its target
        File.CreateSymbolicLink(_tree.Path_("abs"), _tree.Path_("a/b")); // an absolute link
        foreach (var path in new[] { "d/up/b/file.txt", "d/esc", "d/esc/x/y", "abs/file.txt", "d/up/../d", "missing/part" })
        {
            Assert.Equal(Gnu(_tree.Path_(path)), RealPath.Of(_tree.Path_(path)));
        }
        Assert.Equal(Root + "/a/b/file.txt", RealPath.Of(_tree.Path_("d/up/b/file.txt")));
        Assert.True(RealPath.IsInside(_tree.Path_("d/up/b/file.txt"), _tree.Root));
        Assert.False(RealPath.IsInside(_tree.Path_("d/esc"), _tree.Root));
    }

    [Fact]
    public void A_link_loop_is_an_error_not_a_hang()
    {
        File.CreateSymbolicLink(_tree.Path_("loop1"), "loop2");
        File.CreateSymbolicLink(_tree.Path_("loop2"), "loop1");
        var e = Assert.Throws<IOException>(() => RealPath.Of(_tree.Path_("loop1/x")));
        Assert.Contains("more than 40 symbolic links", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _tree.Dispose();
}
