using Beacon.Layers.Locking;

namespace Beacon.Catalog.Tests;

/// <summary>The catalog's data over the example organisation: exactly the verified locks, placements from the plans.</summary>
public class CatalogBuilderTests
{
    [Fact]
    public void Every_layer_is_listed_parents_first_with_its_environment_exactly_its_lock()
    {
        var data = ExampleCatalog.Data;
        var workspace = ExampleCatalog.Workspace;
        Assert.Equal(workspace.Tree.TopologicalOrder.Select(l => l.Name), data.Layers.Select(l => l.Name));
        var locks = LockStore.ReadAll(workspace);
        var environments = new Dictionary<string, List<CatalogPackage>>(StringComparer.Ordinal);
        foreach (var layer in data.Layers)
        {
            var environment = layer.Packages.Concat(layer.Parent is { } p ? environments[p] : []).ToList();
            environments[layer.Name] = environment;
            var locked = locks[layer.Name].Lock!;
            Assert.Equal(locked.Packages.Select(x => $"{x.Channel}/{x.Subdir}/{x.Name}-{x.Version.Text}-{x.Build}").Order(StringComparer.Ordinal),
                environment.Select(x => $"{x.Channel}/{x.Subdir}/{x.Name}-{x.Version}-{x.Build}").Order(StringComparer.Ordinal));
            Assert.Equal(locked.Packages.Count, layer.PackageCount);
            Assert.All(environment, x => Assert.True(x.Size > 0, $"{layer.Name}: {x.Name} has no size"));
            Assert.Equal(environment.Sum(x => x.Size), layer.TotalSize);
            Assert.Equal(layer.Packages.Sum(x => x.Size), layer.OwnSize);
        }
        // A child adds packages: gpu-ml's own list is not empty and holds none of core's files.
        var gpu = data.Layers.Single(l => l.Name == "gpu-ml");
        Assert.NotEmpty(gpu.Packages);
        Assert.Empty(gpu.Packages.Intersect(data.Layers.Single(l => l.Name == "core").Packages));
    }

    [Fact]
    public void Kernels_are_offered_only_where_the_lock_has_ipykernel_and_dev_containers_only_where_a_registry_is_named()
    {
        var data = ExampleCatalog.Data;
        var locks = LockStore.ReadAll(ExampleCatalog.Workspace);
        foreach (var layer in data.Layers)
        {
            var hasKernel = locks[layer.Name].Lock!.Named("ipykernel").Count > 0;
            Assert.Equal(hasKernel, layer.Kernel is not null);
            Assert.Equal(hasKernel, layer.KernelLacks is null);
        }
        var notebook = data.Layers.Single(l => l.Name == "notebook");
        Assert.Equal(new CatalogKernel("beacon-acme-notebook", "Beacon · acme/notebook"), notebook.Kernel);
        // The stacks before acme-local create their registry at 'pulumi up': beacon devcontainer needs one it can ask.
        Assert.Equal(new CatalogDevContainer(".devcontainer/notebook/devcontainer.json", "beacon devcontainer notebook --stack acme-local"), notebook.DevContainer);
        Assert.Contains(notebook.Images, i => i.Stack == "acme-local" && i.Reference.StartsWith("127.0.0.1:5000/", StringComparison.Ordinal));
    }

    [Fact]
    public void Workloads_are_where_the_plans_place_them()
    {
        var data = ExampleCatalog.Data;
        var workspace = ExampleCatalog.Workspace;
        var router = Beacon.Layers.Routing.Router.FromDisk(workspace);
        foreach (var stack in data.Stacks)
        {
            var document = workspace.Stack(stack.Name)!;
            var expected = workspace.Workloads.Where(w => w.RunsIn(document)).Select(w => (w.Name, router.Place(w, document))).OrderBy(x => x.Name, StringComparer.Ordinal);
            Assert.Equal(expected, stack.Workloads.Select(w => (w.Name, (string?)w.Layer)).OrderBy(x => x.Name, StringComparer.Ordinal));
            Assert.Empty(stack.Problems);
        }
    }
}
