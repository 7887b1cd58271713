using System.Text;
using System.Text.Json;
using Beacon.Images.Planning;

namespace Beacon.Images.Rendering;

/// <summary>
/// A layer's <c>devcontainer.json</c> (containers.dev): VS Code, Codespaces and the Dev Containers CLI open the layer's
/// image pinned by digest — the image the stack deploys, never a tag that can move — with the environment's prefix
/// first on PATH and the Python extension's interpreter set to the layer's python (the Jupyter extension offers that
/// interpreter's kernel; the layer needs ipykernel for notebooks). Written with a JSON writer
/// (every value escaped), keys in a fixed order: the same image gives the same bytes.
/// </summary>
public static class DevContainer
{
    /// <summary>Where <c>beacon devcontainer</c> writes a layer's file: one folder per configuration, as the spec allows several.</summary>
    public static string RelativePath(string layer) => $".devcontainer/{layer}/devcontainer.json";

    /// <param name="pinned">The image by digest: <c>host/repository@sha256:…</c>.</param>
    public static string Render(string organisation, PlannedImage image, string pinned)
    {
        if (!pinned.Contains("@sha256:", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{pinned}' is not pinned by digest", nameof(pinned));
        }
        var python = $"{image.Prefix}/bin/python";
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("name", $"{organisation}/{image.Layer}");
            w.WriteString("image", pinned);
            w.WriteStartObject("remoteEnv");
            // ${containerEnv:PATH} is the image's own PATH, substituted by the tool that starts the container.
            w.WriteString("PATH", $"{image.Prefix}/bin:${{containerEnv:PATH}}");
            w.WriteString("CONDA_PREFIX", image.Prefix);
            w.WriteEndObject();
            w.WriteStartObject("customizations");
            w.WriteStartObject("vscode");
            w.WriteStartArray("extensions");
            w.WriteStringValue("ms-python.python");
            w.WriteStringValue("ms-toolsai.jupyter");
            w.WriteEndArray();
            w.WriteStartObject("settings");
            w.WriteString("python.defaultInterpreterPath", python);
            w.WriteBoolean("python.terminal.activateEnvironment", false);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
