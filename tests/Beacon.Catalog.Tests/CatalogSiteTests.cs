using System.Text;

namespace Beacon.Catalog.Tests;

/// <summary>The catalog's folder: the same data gives the same bytes, data never reads as markup, written whole or not at all.</summary>
public class CatalogSiteTests
{
    [Fact]
    public void The_same_repository_gives_byte_identical_files()
    {
        var first = CatalogSite.Render(ExampleCatalog.Data);
        var second = CatalogSite.Render(ExampleCatalog.Data);
        Assert.Equal(["catalog-data.js", "catalog.css", "catalog.js", "conda.js", "favicon.svg", "index.html"], first.Keys);
        foreach (var (name, bytes) in first)
        {
            Assert.Equal(bytes, second[name]);
        }
    }

    [Fact]
    public void Text_from_the_repository_is_escaped_in_the_data_script()
    {
        var hostile = ExampleCatalog.Data with
        {
            Layers = [ExampleCatalog.Data.Layers[0] with { Description = "</script><script>alert(1)</script> & 'quotes' \u2028 line" }, .. ExampleCatalog.Data.Layers.Skip(1)],
        };
        var script = Encoding.UTF8.GetString(CatalogSite.Render(hostile)[CatalogSite.DataFile]);
        Assert.DoesNotContain("</script>", script, StringComparison.Ordinal);
        Assert.DoesNotContain("\u2028", script, StringComparison.Ordinal);
        Assert.Contains("\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E \\u0026 \\u0027quotes\\u0027 \\u2028 line", script, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_holding_other_files_is_never_replaced()
    {
        var folder = Directory.CreateTempSubdirectory("beacon-catalog-other").FullName;
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        var e = Assert.Throws<Beacon.Conda.FileWriteException>(() => CatalogSite.Write(ExampleCatalog.Data, folder));
        Assert.Contains("holds other files and no catalog-data.js", e.Message, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_catalog_is_replaced_whole_and_no_staging_folder_is_left_beside_it()
    {
        var parent = Directory.CreateTempSubdirectory("beacon-catalog-parent").FullName;
        var folder = Path.Combine(parent, "site");
        CatalogSite.Write(ExampleCatalog.Data, folder);
        File.WriteAllText(Path.Combine(folder, "stale.html"), "from an older catalog");
        CatalogSite.Write(ExampleCatalog.Data, folder);
        Assert.Equal(CatalogSite.Render(ExampleCatalog.Data).Keys, Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["site"], Directory.GetFileSystemEntries(parent).Select(Path.GetFileName));
    }
}
