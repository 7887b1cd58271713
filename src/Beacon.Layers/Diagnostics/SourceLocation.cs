namespace Beacon.Layers.Diagnostics;

/// <summary>A place in a file: repository-relative path with '/' separators, 1-based line and column.</summary>
public readonly record struct SourceLocation(string File, int Line = 1, int Column = 1)
{
    public override string ToString() => $"{File}({Line},{Column})";
}
