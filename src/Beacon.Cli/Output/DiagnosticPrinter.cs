using System.Text.Json;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Rendering;

namespace Beacon.Cli.Output;

/// <summary>Prints diagnostics in the compiler format (stderr) or as JSON (stdout).</summary>
public static class DiagnosticPrinter
{
    public static void Print(IEnumerable<Diagnostic> diagnostics, TextWriter to)
    {
        foreach (var d in diagnostics)
        {
            to.WriteLine(d.ToString());
        }
    }

    public static object ToJson(Diagnostic d) => new
    {
        file = d.Location.File,
        line = d.Location.Line,
        column = d.Location.Column,
        severity = d.Severity == Severity.Error ? "error" : "warning",
        code = d.Id,
        message = d.Message,
    };

    public static string Json(IEnumerable<Diagnostic> diagnostics, bool valid, object? summary = null) =>
        JsonSerializer.Serialize(new { valid, summary, diagnostics = diagnostics.Select(ToJson).ToList() }, JsonOptions.Indented) + "\n";
}
