using System.Collections.Concurrent;
using Beacon.TestSupport;
using PuppeteerSharp;

namespace Beacon.Catalog.Tests.Browser;

/// <summary>
/// One headless Debian chromium per test class (launching costs about a second), driven over the DevTools protocol.
/// Every page it opens records each request the page makes and lets through only those inside the catalog's folder:
/// a request that would leave it is aborted and stays in <see cref="CatalogPage.Requests"/> for the test to see.
/// </summary>
public sealed class HeadlessChromium : IAsyncLifetime
{
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Environment.GetEnvironmentVariable("BEACON_TEST_CHROMIUM") ?? "/usr/bin/chromium"))
        {
            return; // each test then skips (or fails in CI) with the reason, in OpenAsync
        }
        _browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true,
            ExecutablePath = TestServices.Chromium(),
            // The tests run as root in a container: chromium's sandbox needs user namespaces it may not have.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
    }

    /// <summary>Opens <c>index.html</c> of the folder (with an optional <c>#fragment</c>) and waits until the page has rendered.</summary>
    public Task<CatalogPage> OpenAsync(string folder, string fragment = "") =>
        OpenUrlAsync(new Uri(Path.GetFullPath(folder) + Path.DirectorySeparatorChar).AbsoluteUri, fragment);

    /// <summary>The same for a catalog served over HTTP (<paramref name="inside"/> ends with '/'), as GitHub Pages serves it.</summary>
    public async Task<CatalogPage> OpenUrlAsync(string inside, string fragment = "")
    {
        TestServices.Chromium();
        var page = await _browser!.NewPageAsync();
        var requests = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        await page.SetRequestInterceptionAsync(true);
        page.Request += async (_, e) =>
        {
            requests.Enqueue(e.Request.Url);
            if (e.Request.Url.StartsWith(inside, StringComparison.Ordinal))
            {
                await e.Request.ContinueAsync();
            }
            else
            {
                await e.Request.AbortAsync();
            }
        };
        page.PageError += (_, e) => errors.Enqueue(e.Message);
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                errors.Enqueue(e.Message.Text);
            }
        };
        await page.GoToAsync(inside + "index.html" + fragment);
        await page.WaitForSelectorAsync("body[data-ready=true]", new WaitForSelectorOptions { Timeout = 30_000 });
        return new CatalogPage(page, inside, requests, errors);
    }
}

/// <summary>An open catalog page, the requests it made and the script errors it reported.</summary>
public sealed record CatalogPage(IPage Page, string Folder, ConcurrentQueue<string> Requests, ConcurrentQueue<string> Errors) : IAsyncDisposable
{
    /// <summary>Types the query, chooses the options and submits the search; the layer the page answered, or null for none.</summary>
    public async Task<string?> SearchAsync(string query, string stack = "", string? hardware = null, string platform = "", string stage = "")
    {
        await Page.EvaluateFunctionAsync("q => { document.getElementById('query').value = q; }", query);
        await Page.SelectAsync("#stack", stack);
        await Page.EvaluateFunctionAsync("() => document.getElementById('stack').dispatchEvent(new Event('change'))");
        if (hardware is not null)
        {
            await Page.SelectAsync("#hardware", hardware);
        }
        if (platform.Length > 0)
        {
            await Page.SelectAsync("#platform", platform);
        }
        await Page.SelectAsync("#stage", stage);
        await Page.ClickAsync("#find");
        var layer = await Page.EvaluateExpressionAsync<string>("document.getElementById('answer').getAttribute('data-layer')");
        return layer.Length == 0 ? null : layer;
    }

    public async ValueTask DisposeAsync() => await Page.CloseAsync();
}
