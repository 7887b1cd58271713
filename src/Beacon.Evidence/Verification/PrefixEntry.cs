namespace Beacon.Evidence.Verification;

public enum PrefixEntryKind
{
    File,
    SymbolicLink,
}

/// <summary>
/// One path under an environment's prefix as it is: a file by its sha256 and size, or a symbolic link by its target
/// text (a link is data, never followed). Folders are not entries: they hold nothing a package could be wrong about.
/// </summary>
public sealed record PrefixEntry(PrefixEntryKind Kind, string? Sha256, long Size, string? LinkTarget)
{
    public static PrefixEntry OfFile(string sha256, long size) => new(PrefixEntryKind.File, sha256, size, null);

    public static PrefixEntry OfLink(string target) => new(PrefixEntryKind.SymbolicLink, null, 0, target);

    public override string ToString() => Kind == PrefixEntryKind.SymbolicLink
        ? $"a symbolic link to '{Conda.Parsing.Printable.Of(LinkTarget ?? "")}'"
        : Sha256 is null ? $"a file of {Size} bytes" : $"sha256 {Sha256[..12]}… ({Size} bytes)";
}
