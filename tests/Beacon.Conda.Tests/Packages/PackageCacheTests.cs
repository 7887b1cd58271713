using System.Diagnostics;
using System.Net;
using System.Text;
using Beacon.Conda.Net;
using Beacon.Conda.Packages;
using Beacon.Conda.Records;
using Beacon.Conda.Repodata;
using Beacon.TestSupport;

namespace Beacon.Conda.Tests.Packages;

/// <summary>
/// Package downloads from a faulty server on 127.0.0.1: a server that never answers, one that stalls after its
/// headers and one that redirects to a local file each end in a <see cref="PackageFetchException"/> (BEA0617) within
/// seconds, and leave nothing in the cache.
/// </summary>
public sealed class PackageCacheTests : IDisposable
{
    private readonly TempRepo _work = new("beacon-package-cache-");
    private readonly HttpClient _http = BeaconHttp.Create();

    public void Dispose()
    {
        _http.Dispose();
        _work.Dispose();
    }

    /// <summary>Everything cached stays inside the folder BEACON_CACHE_DIR names (packages were written beside it).</summary>
    [Fact]
    public void The_package_cache_lives_inside_the_cache_folder_it_is_given()
    {
        Assert.Equal(Path.Combine("/work/cache", "pkgs"), PackageCache.DefaultDirectory(k => k == "BEACON_CACHE_DIR" ? "/work/cache" : null));
        Assert.Equal(Path.Combine("/home/u/xdg", "beacon", "pkgs"), PackageCache.DefaultDirectory(k => k == "XDG_CACHE_HOME" ? "/home/u/xdg" : null));
    }

    public static TheoryData<string, string> Faults() => new()
    {
        { "never-answers", "no answer within 1 s" },
        { "stalls", "nothing arrived for 1 s" },
        { "redirect-to-file", "redirects to file:///etc/passwd, which is not http or https" },
        { "too-long", "is larger than its channel says" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_faulty_package_server_ends_in_a_fetch_error_within_seconds(string fault, string expected)
    {
        using var server = new LoopbackServer(async (_, context) =>
        {
            switch (fault)
            {
                case "never-answers":
                    await Task.Delay(TimeSpan.FromSeconds(30));
                    return;
                case "stalls":
                    context.Response.ContentLength64 = 1000;
                    await context.Response.OutputStream.WriteAsync(new byte[10]);
                    await context.Response.OutputStream.FlushAsync();
                    await Task.Delay(TimeSpan.FromSeconds(30));
                    return;
                case "redirect-to-file":
                    context.Response.Headers["Location"] = "file:///etc/passwd";
                    await LoopbackServer.Send(context, 302);
                    return;
                default:
                    await LoopbackServer.Send(context, 200, new byte[5000]);
                    return;
            }
        });
        // One bound short, the other long: the case ends by the rule it tests even on a loaded machine.
        using var cache = new PackageCache(_work.Path_("cache"), _http)
        {
            AnswerTimeout = TimeSpan.FromSeconds(fault == "never-answers" ? 1 : 30),
            SilenceTimeout = TimeSpan.FromSeconds(fault == "stalls" ? 1 : 30),
        };
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PackageFetchException>(() => cache.FetchAsync(Record(), server.Url + "/channel"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{fault} took {watch.Elapsed}");
        Assert.DoesNotContain(Directory.GetFiles(_work.Path_("cache"), "*", SearchOption.AllDirectories), f => !f.EndsWith(".lock", StringComparison.Ordinal));
    }

    private static PackageRecord Record() => new RepodataReader().Read(Encoding.UTF8.GetBytes(
        $"{{\"packages\":{{\"pkg-1.0-0.tar.bz2\":{{\"name\":\"pkg\",\"version\":\"1.0\",\"build\":\"0\",\"build_number\":0,\"depends\":[],\"subdir\":\"linux-64\",\"size\":1000,\"sha256\":\"{new string('0', 64)}\"}}}}}}"),
        "https://conda.example/channel", "linux-64").Single();
}
