using System.Text.Json;
using Beacon.Docker.Kernels;
using Beacon.TestSupport;

namespace Beacon.Docker.Tests.Kernels;

/// <summary>Two repositories' kernels in one kernels folder: named apart, listed with their repository, removed apart.</summary>
public sealed class KernelSpecStoreTests : IDisposable
{
    private readonly TempRepo _folder = new("beacon-kernelspecs-");
    private string Kernels => _folder.Path_("kernels");

    private static KernelSpec Spec(string organisation, string layer, string repository) =>
        KernelSpec.For(organisation, layer, "laptop", repository, ["beacon"]);

    [Fact]
    public void Two_repositories_layers_of_one_name_are_two_kernels_and_each_removes_only_its_own()
    {
        KernelSpecStore.Install(Kernels, [Spec("acme", "core", "/repos/acme"), Spec("acme", "notebook", "/repos/acme")]);
        KernelSpecStore.Install(Kernels, [Spec("globex", "core", "/repos/globex")]);
        _folder.Write("kernels/python3/kernel.json", "{\"argv\": [\"python3\"], \"display_name\": \"Python 3\", \"language\": \"python\"}");

        Assert.Equal(["beacon-acme-core", "beacon-acme-notebook", "beacon-globex-core"], KernelSpecStore.List(Kernels).Select(s => s.Name));
        using (var json = JsonDocument.Parse(File.ReadAllText(_folder.Path_("kernels/beacon-globex-core/kernel.json"))))
        {
            Assert.Equal("Beacon · globex/core", json.RootElement.GetProperty("display_name").GetString());
            var beacon = json.RootElement.GetProperty("metadata").GetProperty("beacon");
            Assert.Equal("/repos/globex", beacon.GetProperty("repository").GetString());
            Assert.Equal("globex", beacon.GetProperty("organisation").GetString());
        }

        Assert.Equal(["beacon-acme-notebook"], KernelSpecStore.Remove(Kernels, "/repos/acme", ["notebook"]));
        Assert.Equal(["beacon-acme-core"], KernelSpecStore.Remove(Kernels, "/repos/acme"));
        Assert.Equal(["beacon-globex-core"], KernelSpecStore.List(Kernels).Select(s => s.Name));
        Assert.True(File.Exists(_folder.Path_("kernels/python3/kernel.json")));
        Assert.Empty(KernelSpecStore.Remove(Kernels, "/repos/acme"));
    }

    [Fact]
    public void A_kernel_of_another_repository_or_not_of_beacon_is_never_overwritten()
    {
        KernelSpecStore.Install(Kernels, [Spec("acme", "core", "/repos/acme")]);
        var before = File.ReadAllText(_folder.Path_("kernels/beacon-acme-core/kernel.json"));
        var other = Assert.Throws<KernelConflictException>(() => KernelSpecStore.Install(Kernels, [Spec("acme", "notebook", "/repos/fork"), Spec("acme", "core", "/repos/fork")]));
        Assert.Equal($"kernel 'beacon-acme-core' in {Kernels} belongs to the repository /repos/acme: set a different 'organisation:' in beacon.yaml, " +
            "or remove that one with 'beacon kernels remove --repo /repos/acme'", other.Message);
        Assert.Equal(before, File.ReadAllText(_folder.Path_("kernels/beacon-acme-core/kernel.json")));
        Assert.False(Directory.Exists(_folder.Path_("kernels/beacon-acme-notebook")));

        _folder.Write("kernels/beacon-acme-gpu/kernel.json", "{\"argv\": [\"python3\"], \"display_name\": \"someone's\", \"language\": \"python\"}");
        var foreign = Assert.Throws<KernelConflictException>(() => KernelSpecStore.Install(Kernels, [Spec("acme", "gpu", "/repos/acme")]));
        Assert.Contains("is not a Beacon kernel; Beacon leaves it alone", foreign.Message, StringComparison.Ordinal);

        // The same repository installs again over its own.
        KernelSpecStore.Install(Kernels, [Spec("acme", "core", "/repos/acme")]);
    }

    public void Dispose() => _folder.Dispose();
}
