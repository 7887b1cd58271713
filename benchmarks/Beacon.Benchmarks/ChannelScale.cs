using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Beacon.Benchmarks;

/// <summary>
/// Issue 21's rows, whole process with peak RSS, on the example organisation over a conda-forge-sized channel
/// (<see cref="CondaForgeSized"/>), read three ways: plain repodata.json from a folder, the CEP-16 shards
/// <c>beacon index</c> writes, and both over HTTP from a loopback server with a cold cache (and warm).
/// Generated once under /tmp/beacon-cf-sized (about 1 GB with the shards); <c>--fresh</c> writes it again.
/// </summary>
public static class ChannelScale
{
    private const int Runs = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        var repo = FixtureChannels.FindRepositoryRoot();
        var beacon = Path.Combine(repo, ".beacon", "cli", "beacon");
        var compiler = Path.Combine(repo, ".beacon", "infra", "beacon-infra");
        foreach (var exe in new[] { beacon, compiler })
        {
            if (!File.Exists(exe))
            {
                Console.Error.WriteLine($"{exe} does not exist: build it first (./beacon --version; scripts/build-infra.sh)");
                return 1;
            }
        }
        var records = args.Skip(1).FirstOrDefault(a => a.All(char.IsAsciiDigit)) is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : CondaForgeSized.DefaultRecords;
        var root = Path.Combine(Path.GetTempPath(), "beacon-cf-sized");
        var json = Path.Combine(root, "json");
        var sharded = Path.Combine(root, "sharded");
        if (args.Contains("--fresh") && Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
        if (!File.Exists(Path.Combine(sharded, "channels", "demo", "linux-64", "repodata_shards.msgpack.zst")))
        {
            Generate(repo, root, json, sharded, records);
        }
        var channel = Path.Combine(json, "channels", "demo", "linux-64", "repodata.json");
        Console.WriteLine($"channel: {new FileInfo(channel).Length / 1e6:F0} MB linux-64 repodata.json at {channel}");
        Console.WriteLine($"whole process, median of {Runs} runs after one warm-up; peak RSS from /usr/bin/time -f %M; {beacon}");
        Console.WriteLine($"{"row",-58} {"median",8} {"min",6} {"max",6} {"peak RSS",9}");

        void Row(string title, string exe, string[] arguments, string cwd, Dictionary<string, string>? env = null, Action? before = null, int runs = Runs)
        {
            var f = WholeProcess.Measure(exe, arguments, cwd, runs, env, beforeEach: before);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{title,-58} {f.MedianMs,6:F0}ms {f.MinMs,4:F0}ms {f.MaxMs,4:F0}ms {f.PeakRssKiB / 1024.0,6:F1}MiB"));
        }

        var stack = new Dictionary<string, string> { ["PULUMI_STACK"] = "acme-local" };
        foreach (var (label, folder) in new[] { ("json", json), ("sharded", sharded) })
        {
            Row($"beacon check ({label})", beacon, ["check"], folder);
            Row($"beacon lock notebook ({label})", beacon, ["lock", "notebook"], folder);
            Row($"Pulumi compiler acme-local ({label})", compiler, [], folder, stack);
        }

        // HTTP: the same two channel folders behind a static server on 127.0.0.1; each cold run starts from an empty cache.
        using var server = new StaticServer(Path.Combine(root, "served"));
        foreach (var (label, folder, served) in new[] { ("http, repodata.json.zst", Path.Combine(root, "http-json"), "json"), ("http, sharded", Path.Combine(root, "http-sharded"), "sharded") })
        {
            var cache = Path.Combine(root, "cache-" + served);
            var env = new Dictionary<string, string> { ["BEACON_CACHE_DIR"] = cache };
            File.WriteAllText(Path.Combine(folder, "beacon.yaml"), File.ReadAllText(Path.Combine(json, "beacon.yaml"))
                .Replace("conda-forge: ./channels/demo", $"conda-forge: {server.Url}/{served}", StringComparison.Ordinal));
            server.Reset();
            Row($"beacon check ({label}, cold cache)", beacon, ["check"], folder, env, () =>
            {
                if (Directory.Exists(cache))
                {
                    Directory.Delete(cache, recursive: true);
                }
            });
            Console.WriteLine($"    transferred per cold run: {server.Bytes / (Runs + 1) / 1e6:F1} MB in {server.Requests / (Runs + 1)} requests");
            server.Reset();
            Row($"beacon check ({label}, warm cache)", beacon, ["check"], folder, env);
            Console.WriteLine($"    transferred per warm run: {server.Bytes / (Runs + 1) / 1e3:F1} kB in {server.Requests / (Runs + 1)} requests");
        }
        await Task.CompletedTask;
        return 0;
    }

    private static void Generate(string repo, string root, string json, string sharded, int records)
    {
        var sw = Stopwatch.StartNew();
        foreach (var folder in new[] { json, sharded })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        CopyExample(repo, json);
        var (bytes, count) = CondaForgeSized.Write(Path.Combine(repo, "channels", "demo"), FixtureChannels.Plain("conda-forge-py-2024-05"),
            Path.Combine(json, "channels", "demo"), records);
        Console.WriteLine($"generated {count} records, {bytes / 1e6:F0} MB of repodata.json in {sw.Elapsed.TotalSeconds:F0} s");
        Copy(json, sharded);
        GitInit(sharded);
        sw.Restart();
        var written = Beacon.Conda.Repodata.ShardWriter.IndexChannel(Path.Combine(sharded, "channels", "demo"));
        Console.WriteLine($"beacon index: {string.Join("; ", written.Select(w => $"{w.Subdir} {w.Names} shards {w.ShardBytes / 1e6:F1} MB, index {w.IndexBytes / 1e3:F0} kB"))} in {sw.Elapsed.TotalSeconds:F0} s");
        // What the HTTP server serves: the JSON channel as repodata.json.zst only, and the sharded one as shards only.
        var served = Path.Combine(root, "served");
        foreach (var subdir in Directory.GetDirectories(Path.Combine(json, "channels", "demo")))
        {
            var name = Path.GetFileName(subdir);
            Directory.CreateDirectory(Path.Combine(served, "json", name));
            using (var input = File.OpenRead(Path.Combine(subdir, "repodata.json")))
            using (var output = File.Create(Path.Combine(served, "json", name, "repodata.json.zst")))
            using (var zstd = new ZstdSharp.CompressionStream(output, 9))
            {
                input.CopyTo(zstd);
            }
        }
        Copy(Path.Combine(sharded, "channels", "demo"), Path.Combine(served, "sharded"), skip: "repodata.json");
        foreach (var http in new[] { "http-json", "http-sharded" })
        {
            Copy(json, Path.Combine(root, http), skip: "repodata.json");
        }
    }

    private static void CopyExample(string repo, string target)
    {
        foreach (var folder in new[] { "layers", "workloads", "developers", "stacks", "channels", ".github" })
        {
            Copy(Path.Combine(repo, folder), Path.Combine(target, folder));
        }
        File.Copy(Path.Combine(repo, "beacon.yaml"), Path.Combine(target, "beacon.yaml"));
        GitInit(target);
    }

    /// <summary>A repository of one commit, as the compiler meets one (lock commits are read from git).</summary>
    private static void GitInit(string target)
    {
        foreach (var git in new[] { "init -q", "add -A", "-c user.name=bench -c user.email=bench@example.com commit -qm example" })
        {
            using var p = Process.Start(new ProcessStartInfo("git", git) { WorkingDirectory = target })!;
            p.WaitForExit();
        }
    }

    private static void Copy(string from, string to, string? skip = null)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            if (skip is not null && Path.GetFileName(file) == skip || file.Contains("/.git/", StringComparison.Ordinal))
            {
                continue;
            }
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>A static file server on 127.0.0.1 counting requests and bytes sent (404 for what is not there).</summary>
    private sealed class StaticServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly string _root;
        private long _bytes;
        private int _requests;

        public StaticServer(string root)
        {
            _root = root;
            var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public string Url { get; }
        public long Bytes => Interlocked.Read(ref _bytes);
        public int Requests => _requests;

        public void Reset()
        {
            Interlocked.Exchange(ref _bytes, 0);
            Interlocked.Exchange(ref _requests, 0);
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await _listener.GetContextAsync();
                }
                catch (Exception) when (!_listener.IsListening)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    Interlocked.Increment(ref _requests);
                    var path = Path.Combine(_root, Uri.UnescapeDataString(ctx.Request.Url!.AbsolutePath.TrimStart('/')));
                    if (!File.Exists(path))
                    {
                        ctx.Response.StatusCode = 404;
                        ctx.Response.Close();
                        return;
                    }
                    // An ETag from the file's size and time, as static servers (nginx, S3) give one: a warm cache asks with it.
                    var info = new FileInfo(path);
                    var etag = $"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\"";
                    ctx.Response.Headers["ETag"] = etag;
                    if (ctx.Request.Headers["If-None-Match"] == etag)
                    {
                        ctx.Response.StatusCode = 304;
                        ctx.Response.Close();
                        return;
                    }
                    var body = await File.ReadAllBytesAsync(path);
                    ctx.Response.ContentLength64 = body.Length;
                    await ctx.Response.OutputStream.WriteAsync(body);
                    Interlocked.Add(ref _bytes, body.Length);
                    ctx.Response.Close();
                });
            }
        }

        public void Dispose() => _listener.Close();
    }
}
