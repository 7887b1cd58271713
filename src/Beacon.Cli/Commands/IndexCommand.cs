using System.CommandLine;
using Beacon.Cli.Hosting;
using Beacon.Conda;
using Beacon.Conda.Repodata;
using Beacon.Layers.Diagnostics;

namespace Beacon.Cli.Commands;

/// <summary><c>beacon index</c>: CEP-16 shards for a channel folder (a local channel or an organisation's mirror).</summary>
internal static class IndexCommand
{
    public static Command Create(CliConsole console)
    {
        var folder = new Argument<string>("channel-folder") { Description = "A channel folder: <folder>/<subdir>/repodata.json[.zst]." };
        var command = new Command("index",
            "Write CEP-16 sharded repodata (repodata_shards.msgpack.zst and shards/) beside each subdir's repodata.json, so Beacon, conda, pixi and mamba read only the packages they need.")
        {
            folder,
        };
        command.SetAction(parse =>
        {
            var run = new CommandRun(console, "index", json: false);
            var path = console.FullPath(parse.GetValue(folder)!);
            IReadOnlyList<ShardWriteResult> written;
            try
            {
                written = ShardWriter.IndexChannel(path);
            }
            catch (RepodataException e)
            {
                return run.Fail(DiagnosticCode.ChannelUnavailable, e.Message);
            }
            foreach (var s in written)
            {
                run.Out.WriteLine($"{s.Subdir}: {Conda.Parsing.Plural.Of(s.Records, "record")} in {Conda.Parsing.Plural.Of(s.Names, "shard")} " +
                    $"({SafeFile.Size(s.ShardBytes)}; {s.ShardsWritten} new), index {SafeFile.Size(s.IndexBytes)}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
