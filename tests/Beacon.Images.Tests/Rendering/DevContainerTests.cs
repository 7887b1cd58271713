using System.Text.Json;
using Beacon.Images.Planning;
using Beacon.Images.Rendering;
using Beacon.Layers.Loading;
using Beacon.TestSupport;

namespace Beacon.Images.Tests.Rendering;

/// <summary>
/// A layer's devcontainer.json: the image by digest only, the prefix on PATH, the interpreter the Python extension
/// uses; its text pinned. The Dev Containers CLI reads it and starts a container from it in the integration tests.
/// </summary>
public class DevContainerTests
{
    private static PlannedImage Image(string stack, string layer)
    {
        var opening = StackSessions.Open(WorkspaceLoader.Load(RepoPaths.Root).Workspace!, stack);
        Assert.True(opening.Success, string.Join("\n", opening.Diagnostics));
        return opening.Session!.Plan.Images.Single(i => i.Layer == layer);
    }

    [Fact]
    public void The_image_is_pinned_by_digest_and_the_layers_interpreter_is_the_extensions()
    {
        var image = Image("acme-local", "notebook");
        var text = DevContainer.Render("acme", image, "127.0.0.1:5000/acme/notebook@sha256:" + new string('c', 64));
        using var json = JsonDocument.Parse(text);
        Assert.Equal("/opt/conda/bin:${containerEnv:PATH}", json.RootElement.GetProperty("remoteEnv").GetProperty("PATH").GetString());
        Assert.Equal(".devcontainer/notebook/devcontainer.json", DevContainer.RelativePath("notebook"));
        Snapshot.Match(text, "devcontainer");
    }

    [Fact]
    public void A_tag_that_can_move_is_refused()
    {
        var image = Image("acme-local", "notebook");
        Assert.Throws<ArgumentException>(() => DevContainer.Render("acme", image, "127.0.0.1:5000/acme/notebook:latest"));
    }
}
