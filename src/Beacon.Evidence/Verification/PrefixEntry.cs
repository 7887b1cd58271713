namespace Beacon.Evidence.Verification;

public enum PrefixEntryKind
{
    File,
    SymbolicLink,
}

/// <summary>
/// One path under an environment's prefix as it is: a file by its sha256, size and whether it is executable (any of
/// the mode's x bits: a program that lost them does not run; the other bits follow the umask and prove nothing), or a
/// symbolic link by its target text (a link is data, never followed). Folders are not entries: they hold nothing a
/// package could be wrong about.
/// </summary>
public sealed record PrefixEntry(PrefixEntryKind Kind, string? Sha256, long Size, string? LinkTarget, bool Executable = false)
{
    public const UnixFileMode ExecuteBits = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static PrefixEntry OfFile(string sha256, long size, bool executable) => new(PrefixEntryKind.File, sha256, size, null, executable);

    public static PrefixEntry OfLink(string target) => new(PrefixEntryKind.SymbolicLink, null, 0, target);

    /// <summary>True when the two differ only in being executable.</summary>
    public bool DiffersOnlyInMode(PrefixEntry other) => this != other && this with { Executable = other.Executable } == other;

    public override string ToString() => Kind == PrefixEntryKind.SymbolicLink
        ? $"a symbolic link to '{Conda.Parsing.Printable.Of(LinkTarget ?? "")}'"
        : Sha256 is null ? $"a file of {Size} bytes" : $"sha256 {Sha256[..12]}… ({Size} bytes{(Executable ? ", executable" : "")})";
}
