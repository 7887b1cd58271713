namespace Beacon.Catalog.Tests.Browser;

/// <summary>
/// A catalog of many layers without a repository behind it (what a large organisation's would hold): five roots, each
/// with teams under it four levels deep; every layer adds packages of its own plus one named after itself.
/// </summary>
internal static class SyntheticCatalog
{
    public static CatalogData Create(int layers, int packagesPerLayer)
    {
        var list = new List<CatalogLayer>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < layers; i++)
        {
            var isRoot = i < 5;
            var name = isRoot ? $"root-{i}" : $"team-{i:D4}";
            // Parents come first: layer i hangs under one of the layers before it, so the tree is several levels deep.
            var parent = isRoot ? null : list[(i - 5) / 4].Name;
            var packages = Enumerable.Range(0, packagesPerLayer)
                .Select(p => new CatalogPackage(isRoot && p == 0 ? "base-lib" : $"lib-{i:D4}-{p:D2}", isRoot ? "1.2.3" : $"0.{p}.{i}", "h0_0",
                    "https://conda.anaconda.org/conda-forge", "linux-64", 1000 + p, "MIT"))
                .Append(new CatalogPackage($"pkg-{name}", "1.0", "0", "https://conda.anaconda.org/conda-forge", "noarch", 4096, "BSD-3-Clause"))
                .OrderBy(p => p.Name, StringComparer.Ordinal)
                .ToList();
            var count = packages.Count + (parent is null ? 0 : counts[parent]);
            counts[name] = count;
            var depth = parent is null ? 0 : list.Single(l => l.Name == parent).Depth + 1;
            list.Add(new CatalogLayer(name, parent, isRoot ? name : list.Single(l => l.Name == parent).Root, "linux-64", depth, "production", null,
                [$"@org/{name}"], $"Layer {name}", $"layers/{name}.yaml", true, packages, count, packages.Sum(p => p.Size), null, null,
                "its lock has no ipykernel", new CatalogDevContainer($".devcontainer/{name}/devcontainer.json", null), []));
        }
        return new CatalogData(CatalogData.CurrentSchema, "synthetic", "linux-64", ["linux-64"], "cpu", ["experimental", "production"],
            [new CatalogHardware("cpu", false)], list, []);
    }
}
