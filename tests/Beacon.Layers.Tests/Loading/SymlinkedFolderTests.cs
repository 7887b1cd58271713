using Beacon.Layers.Diagnostics;
using Beacon.Layers.Loading;
using Beacon.TestSupport;

namespace Beacon.Layers.Tests.Loading;

/// <summary>A folder of the repository that is a symbolic link: read when it stays inside, refused when it leaves.</summary>
public sealed class SymlinkedFolderTests : IDisposable
{
    private readonly TempRepo _repo = new("beacon-linked-folder-");
    private readonly TempRepo _outside = new("beacon-outside-");

    public SymlinkedFolderTests() => _repo.CopyExample();

    private void MoveLayersTo(string folder)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        Directory.Move(_repo.Path_("layers"), folder);
        Directory.CreateSymbolicLink(_repo.Path_("layers"), folder);
    }

    [Fact]
    public void Layers_linked_to_a_folder_outside_the_repository_are_not_read()
    {
        MoveLayersTo(Path.Combine(_outside.Root, "layers"));
        var loaded = WorkspaceLoader.Load(_repo.Root);
        Assert.False(loaded.Success);
        var core = Assert.Single(loaded.Diagnostics, d => d.Location.File == "layers/core.yaml");
        Assert.Equal(DiagnosticCode.SymlinkOutsideRepository, core.Code);
        Assert.Contains("'layers/core.yaml' is really '", core.Message, StringComparison.Ordinal);
        Assert.Contains("(a folder on its path is a symbolic link), outside the repository", core.Message, StringComparison.Ordinal);
        Assert.All(loaded.Diagnostics.Where(d => d.Location.File.EndsWith(".yaml", StringComparison.Ordinal) && d.Location.File.StartsWith("layers/", StringComparison.Ordinal)),
            d => Assert.Equal(DiagnosticCode.SymlinkOutsideRepository, d.Code));
    }

    [Fact]
    public void Layers_linked_to_a_folder_inside_the_repository_are_read()
    {
        MoveLayersTo(_repo.Path_("config/layers"));
        var loaded = WorkspaceLoader.Load(_repo.Root);
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        Assert.Equal(7, loaded.Workspace!.Tree.TopologicalOrder.Count);
    }

    public void Dispose()
    {
        _repo.Dispose();
        _outside.Dispose();
    }
}
