using Beacon.TestSupport;

namespace Beacon.Cli.Tests.Commands;

public class IndexCommandTests
{
    [Fact]
    public void Index_writes_shards_that_solve_like_the_json_and_says_what_it_wrote()
    {
        using var channel = new TempRepo("beacon-index-");
        channel.CopyFrom(Fixtures.Channel("defaults-2018"));
        var r = InProcess.Beacon(RepoPaths.Root, "index", channel.Root);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("linux-64: 5305 records in 496 shards (514 KiB; 496 new), index 19.5 KiB\nnoarch: 338 records in 320 shards (92.4 KiB; 320 new), index 12.2 KiB\n", r.Stdout);
        Assert.True(File.Exists(channel.Path_("linux-64/repodata_shards.msgpack.zst")));

        var again = InProcess.Beacon(RepoPaths.Root, "index", channel.Root);
        Assert.Contains("(514 KiB; 0 new)", again.Stdout, StringComparison.Ordinal);

        string[] specs = ["python 3.6.*", "numpy", "pandas", "scipy"];
        var sharded = InProcess.Beacon(RepoPaths.Root, ["solve", "-c", channel.Root, "--json", .. specs]);
        var json = InProcess.Beacon(RepoPaths.Root, ["solve", "-c", Fixtures.Channel("defaults-2018"), "--json", .. specs]);
        Assert.Equal(0, sharded.ExitCode);
        Assert.Equal(json.Stdout.Replace(new Uri(Fixtures.Channel("defaults-2018")).AbsoluteUri, "CHANNEL", StringComparison.Ordinal),
            sharded.Stdout.Replace(new Uri(channel.Root).AbsoluteUri, "CHANNEL", StringComparison.Ordinal));
    }

    [Fact]
    public void A_folder_without_repodata_is_refused_in_compiler_format()
    {
        using var empty = new TempRepo("beacon-index-empty-");
        var r = InProcess.Beacon(RepoPaths.Root, "index", empty.Root);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"beacon index: error BEA0611: channel folder '{empty.Root}' has no subdir with a repodata.json\n", r.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty.Root));
    }
}
