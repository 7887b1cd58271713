using System.Globalization;
using PuppeteerSharp;

namespace Beacon.Benchmarks;

/// <summary>
/// Issue 23's catalog figures on the lock-scale tree (run <c>lock-scale 500</c> first: 500 locked layers over
/// defaults-2018, 1,000 workloads, a kubernetes stack, 20,000 commits): whole-process <c>beacon catalog</c>, the size
/// of what it writes, and in Debian's chromium (headless, from file://) the time until the page is built, the script's
/// own render time and one search through the form.
/// </summary>
public static class CatalogBenchmark
{
    public static async Task<int> RunAsync(string root)
    {
        if (!Directory.Exists(Path.Combine(root, "layers")))
        {
            Console.Error.WriteLine($"no repository at {root}: run the 'lock-scale 500' benchmark first");
            return 1;
        }
        var repo = FixtureChannels.FindRepositoryRoot();
        var native = Path.Combine(repo, ".beacon", "cli", "beacon");
        var (exe, prefix) = File.Exists(native) ? (native, Array.Empty<string>()) : ("dotnet", new[] { Path.Combine(AppContext.BaseDirectory, "beacon.dll") });
        var folder = Path.Combine(Path.GetTempPath(), "beacon-catalog-bench");
        var figures = WholeProcess.Measure(exe, [.. prefix, "catalog", "--output", folder], root, 5);
        var layers = Directory.GetFiles(Path.Combine(root, "layers"), "*.yaml").Length;
        Console.WriteLine(FormattableString.Invariant($"repository: {root}, {layers} layers ({(exe == native ? "native" : "JIT")} CLI)"));
        Console.WriteLine(FormattableString.Invariant($"beacon catalog, whole process: median {figures.MedianMs:F0} ms (min {figures.MinMs:F0}, max {figures.MaxMs:F0}), peak RSS {figures.PeakRssKiB / 1024.0:F1} MiB"));
        foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            Console.WriteLine(FormattableString.Invariant($"  {Path.GetFileName(file),-16} {new FileInfo(file).Length / 1024.0,8:F1} KiB"));
        }

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true,
            ExecutablePath = Environment.GetEnvironmentVariable("BEACON_TEST_CHROMIUM") ?? "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var ready = new List<double>();
        var render = new List<double>();
        var search = new List<double>();
        var url = new Uri(Path.Combine(folder, "index.html")).AbsoluteUri;
        for (var i = 0; i < 6; i++)
        {
            await using var page = await browser.NewPageAsync();
            await page.GoToAsync(url);
            await page.WaitForSelectorAsync("body[data-ready=true]");
            var searchMs = await page.EvaluateFunctionAsync<double>(
                """
                () => {
                  document.getElementById('query').value = 'python 3.6.* and numpy >=1.15 and pandas';
                  const t = performance.now();
                  document.getElementById('find').click();
                  return performance.now() - t;
                }
                """);
            if (i == 0)
            {
                Console.WriteLine($"  search 'python 3.6.* and numpy >=1.15 and pandas' answers {await page.EvaluateExpressionAsync<string>("document.getElementById('answer').getAttribute('data-layer')")}");
                continue; // the first load warms the browser's caches
            }
            ready.Add(await page.EvaluateExpressionAsync<double>("window.BeaconCatalog.readyAt"));
            render.Add(await page.EvaluateExpressionAsync<double>("window.BeaconCatalog.renderMs"));
            search.Add(searchMs);
        }
        static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        Console.WriteLine(FormattableString.Invariant($"chromium, file://, median of 5: page built {Median(ready):F0} ms after navigation (its script's rendering {Median(render):F0} ms), one search {Median(search):F1} ms"));
        return 0;
    }
}
