using Beacon.Conda.Specs;
using Beacon.Layers.Documents;
using Beacon.Layers.Routing;
using Beacon.TestSupport;
using Xunit.Abstractions;

namespace Beacon.Catalog.Tests.Browser;

/// <summary>
/// The catalog in Debian's chromium, opened from file:// as a reader would: the tree shows every layer, a layer's
/// packages are its lock's, the search answers what <c>beacon route --requires</c> answers (the same Router), no
/// request leaves the folder, text from the repository stays text, and 500 layers render.
/// </summary>
public class CatalogPageTests(HeadlessChromium chromium, ITestOutputHelper output) : IClassFixture<HeadlessChromium>
{
    [SkippableFact]
    public async Task The_tree_shows_every_layer_and_no_request_leaves_the_folder()
    {
        var data = ExampleCatalog.Data;
        await using var page = await chromium.OpenAsync(ExampleCatalog.WriteTo(data), "#layer=notebook");
        var shown = await page.Page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('#tree li[data-layer]')).map(li => li.getAttribute('data-layer'))");
        Assert.Equal(data.Layers.Select(l => l.Name).Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
        var roots = await page.Page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('#tree [data-root]')).map(s => s.getAttribute('data-root'))");
        Assert.Equal(["core", "core-arm"], roots);

        // The layer in the fragment is shown with its whole environment, its own packages marked.
        var notebook = data.Layers.Single(l => l.Name == "notebook");
        Assert.Equal("notebook", await page.Page.EvaluateExpressionAsync<string>("document.getElementById('detail').getAttribute('data-layer')"));
        Assert.Equal(notebook.PackageCount, await page.Page.EvaluateExpressionAsync<int>("document.querySelectorAll('#detail table.packages tbody tr').length"));
        var own = await page.Page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('#detail tr.own')).map(r => r.getAttribute('data-package'))");
        Assert.Equal(notebook.Packages.Select(p => p.Name).Order(StringComparer.Ordinal), own.Order(StringComparer.Ordinal));
        await page.Page.ClickAsync("#own-only");
        Assert.Equal(notebook.Packages.Count, await page.Page.EvaluateExpressionAsync<int>("document.querySelectorAll('#detail table.packages tbody tr').length"));
        Assert.Contains("beacon devcontainer notebook --stack acme-local", await page.Page.EvaluateExpressionAsync<string>("document.getElementById('detail').textContent"), StringComparison.Ordinal);

        // Following a link in the tree shows that layer.
        await page.Page.ClickAsync("#tree li[data-layer='gpu-ml'] > .node > a");
        await page.Page.WaitForFunctionAsync("() => document.getElementById('detail').getAttribute('data-layer') === 'gpu-ml'");

        // Every workload of every stack, in the layer its plan places it in.
        var placed = await page.Page.EvaluateExpressionAsync<string[]>(
            "Array.from(document.querySelectorAll('#stacks [data-stack]')).flatMap(s => Array.from(s.querySelectorAll('tr[data-workload]')).map(r => s.getAttribute('data-stack') + '/' + r.getAttribute('data-workload') + '=' + r.children[2].querySelector('a').textContent))");
        Assert.Equal(data.Stacks.SelectMany(s => s.Workloads.Select(w => $"{s.Name}/{w.Name}={w.Layer}")), placed);

        Assert.Empty(page.Errors);
        Assert.NotEmpty(page.Requests);
        Assert.All(page.Requests, url => Assert.StartsWith(page.Folder, url, StringComparison.Ordinal));
    }

    /// <summary>Served over HTTP from a sub-path, as GitHub Pages serves a project site: the same page, nothing from elsewhere.</summary>
    [SkippableFact]
    public async Task Served_over_http_from_a_sub_path_it_works_the_same()
    {
        var folder = ExampleCatalog.WriteTo(ExampleCatalog.Data);
        var types = new Dictionary<string, string> { [".html"] = "text/html; charset=utf-8", [".css"] = "text/css", [".js"] = "text/javascript" };
        using var server = new LoopbackServer(async (_, context) =>
        {
            var path = context.Request.Url!.AbsolutePath;
            var name = path.StartsWith("/acme-layers/", StringComparison.Ordinal) ? path["/acme-layers/".Length..] : "";
            var file = Path.Combine(folder, name.Length == 0 ? "index.html" : name);
            if (name.Contains('/', StringComparison.Ordinal) || !File.Exists(file))
            {
                await LoopbackServer.Send(context, 404);
                return;
            }
            context.Response.ContentType = types[Path.GetExtension(file)];
            await LoopbackServer.Send(context, 200, File.ReadAllBytes(file));
        });
        await using var page = await chromium.OpenUrlAsync(server.Url + "/acme-layers/", "#layer=snowflake");
        Assert.Equal(ExampleCatalog.Data.Layers.Count, await page.Page.EvaluateExpressionAsync<int>("document.querySelectorAll('#tree li[data-layer]').length"));
        Assert.Equal("snowflake", await page.Page.EvaluateExpressionAsync<string>("document.getElementById('detail').getAttribute('data-layer')"));
        var expected = Router.FromDisk(ExampleCatalog.Workspace).Route([MatchSpec.Parse("pandas >=2"), MatchSpec.Parse("pyarrow")], null, null).Layer;
        Assert.Equal(expected, await page.SearchAsync("pandas >=2 and pyarrow"));
        Assert.Empty(page.Errors);
        Assert.All(page.Requests, url => Assert.StartsWith(server.Url + "/acme-layers/", url, StringComparison.Ordinal));
        var served = string.Join(' ', server.Requests.Select(r => r.Path).Distinct().Order(StringComparer.Ordinal));
        Assert.True(served == "/acme-layers/catalog-data.js /acme-layers/catalog.css /acme-layers/catalog.js /acme-layers/conda.js /acme-layers/favicon.svg /acme-layers/index.html", served);
    }

    public static TheoryData<string[], string, string?, string, string> Queries => new()
    {
        // specs, stack ("" = any), hardware (null = the default), platform ("" = the default), stage
        { ["numpy"], "", null, "", "" },
        { ["pandas >=2", "pyarrow"], "", null, "", "" },
        { ["pandas>=2,<3"], "acme-local", null, "", "" },
        { ["ipykernel"], "", null, "", "" },
        { ["python 3.11.*", "numpy >=1.26"], "", null, "", "" },
        { ["pytorch"], "", null, "", "" },
        { ["pytorch"], "", "gpu", "", "" },
        { ["pytorch"], "", "gpu", "", "experimental" },
        { ["pytorch"], "acme-local", "gpu", "", "" },
        { ["r-base"], "", null, "", "" },
        { ["snowflake-connector-python", "pandas"], "", null, "", "" },
        { ["numpy"], "", null, "linux-aarch64", "" },
        { ["pandas <1"], "", null, "", "" },
        { ["no-such-package"], "", null, "", "" },
        { ["python =3.11"], "", null, "", "" },
        { ["python 3.11"], "", null, "", "" },
        { ["openssl !=3.0.*"], "", null, "", "" },
    };

    [SkippableTheory]
    [MemberData(nameof(Queries))]
    public async Task The_search_answers_what_route_answers(string[] specs, string stack, string? hardware, string platform, string stage)
    {
        var workspace = ExampleCatalog.Workspace;
        var router = Router.FromDisk(workspace);
        Stage? floor = stage.Length == 0 ? null : Stages.TryParse(stage, out var s) ? s : throw new ArgumentException(stage);
        var expected = router.Route(specs.Select(MatchSpec.Parse).ToList(), hardware ?? HardwareProfile.DefaultName,
            stack.Length == 0 ? null : workspace.Stack(stack), platform.Length == 0 ? null : platform, floor).Layer;

        await using var page = await chromium.OpenAsync(ExampleCatalog.WriteTo(ExampleCatalog.Data));
        Assert.Equal(expected, await page.SearchAsync(string.Join(" and ", specs), stack, hardware, platform, stage));
        // The other separators give the same answer.
        Assert.Equal(expected, await page.SearchAsync(string.Join("; ", specs), stack, hardware, platform, stage));
        Assert.Empty(page.Errors);
    }

    [SkippableFact]
    public async Task The_question_in_words_is_answered_and_a_bad_spec_is_explained()
    {
        await using var page = await chromium.OpenAsync(ExampleCatalog.WriteTo(ExampleCatalog.Data));
        var expected = Router.FromDisk(ExampleCatalog.Workspace).Route([MatchSpec.Parse("pandas >=2"), MatchSpec.Parse("pyarrow")], null, null).Layer;
        Assert.Equal(expected, await page.SearchAsync("pandas ≥ 2 and pyarrow"));
        Assert.Equal(expected, await page.SearchAsync("pandas >=2, pyarrow"));
        Assert.Null(await page.SearchAsync("pandas >=>2"));
        Assert.Equal("invalid operator '>=>' in '>=>2'", await page.Page.EvaluateExpressionAsync<string>("document.getElementById('answer').getAttribute('data-error')"));
        Assert.Null(await page.SearchAsync("conda-forge::numpy"));
        Assert.Contains("use beacon route --requires", await page.Page.EvaluateExpressionAsync<string>("document.getElementById('answer').textContent"), StringComparison.Ordinal);
        Assert.Empty(page.Errors);
    }

    [SkippableFact]
    public async Task Text_from_the_repository_is_shown_as_text()
    {
        var data = ExampleCatalog.Data;
        const string hostile = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"><script>document.body.setAttribute('data-pwned','2')</script>";
        var tampered = data with { Layers = [data.Layers[0] with { Description = hostile, Owners = [hostile] }, .. data.Layers.Skip(1)] };
        await using var page = await chromium.OpenAsync(ExampleCatalog.WriteTo(tampered), "#layer=core");
        Assert.Equal(hostile, await page.Page.EvaluateExpressionAsync<string>("document.querySelector('#detail .description').textContent"));
        Assert.Null(await page.Page.EvaluateExpressionAsync<string?>("document.body.getAttribute('data-pwned')"));
        Assert.Equal(0, await page.Page.EvaluateExpressionAsync<int>("document.querySelectorAll('#detail img, #tree img').length"));
        Assert.All(page.Requests, url => Assert.StartsWith(page.Folder, url, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Five_hundred_layers_render_and_route()
    {
        var data = SyntheticCatalog.Create(layers: 500, packagesPerLayer: 20);
        await using var page = await chromium.OpenAsync(ExampleCatalog.WriteTo(data));
        Assert.Equal(500, await page.Page.EvaluateExpressionAsync<int>("document.querySelectorAll('#tree li[data-layer]').length"));
        // Each leaf adds a package of its own name: the only layer with it (and its descendants) answers.
        Assert.Equal("team-0417", await page.SearchAsync("pkg-team-0417"));
        Assert.Equal("root-0", await page.SearchAsync("base-lib >=1"));
        var renderMs = await page.Page.EvaluateExpressionAsync<double>("window.BeaconCatalog.renderMs");
        output.WriteLine($"500 layers: the page rendered in {renderMs:F0} ms (scripts only; the benchmark 'catalog' measures it properly)");
        Assert.Empty(page.Errors);
    }
}
