using System.Text.Encodings.Web;
using System.Text.Json;

namespace Beacon.Layers.Rendering;

/// <summary>One JSON style for every <c>--json</c> output: indented, '+' and '&lt;' left readable.</summary>
public static class JsonOptions
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
