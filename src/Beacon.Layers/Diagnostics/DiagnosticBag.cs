namespace Beacon.Layers.Diagnostics;

/// <summary>Collects every finding of a run (users see all their mistakes at once, not only the first).</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors => _items.Exists(d => d.Severity == Severity.Error);

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);
    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    public void Error(SourceLocation at, DiagnosticCode code, string message) => Add(Diagnostic.Error(at, code, message));

    /// <summary>Stable order for output: by file, line, column, then code.</summary>
    public IReadOnlyList<Diagnostic> Sorted() =>
        _items.OrderBy(d => d.Location.File, StringComparer.Ordinal)
            .ThenBy(d => d.Location.Line).ThenBy(d => d.Location.Column)
            .ThenBy(d => d.Code).ThenBy(d => d.Message, StringComparer.Ordinal)
            .ToList();
}
