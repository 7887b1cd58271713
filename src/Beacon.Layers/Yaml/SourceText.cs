using System.Text;
using Beacon.Layers.Diagnostics;

namespace Beacon.Layers.Yaml;

/// <summary>
/// Reads a file of the repository defensively before any parser sees it: symlinks must stay inside the repository,
/// only regular files are read (a FIFO would block, a device never end), the file must be small (documents are
/// hand-written: a 10 MB layer file is a mistake; locks get more room), UTF-8 text and not empty.
/// </summary>
public static class SourceText
{
    public const long MaxBytes = 1024 * 1024;

    /// <param name="keepByteOrderMark">
    /// Keep a leading UTF-8 byte order mark in the text (files compared byte for byte, such as locks, must see it);
    /// otherwise it is dropped, as YAML readers do.
    /// </param>
    public static string? Read(string repositoryRoot, string path, string displayPath, DiagnosticBag bag, long maxBytes = MaxBytes, string kind = "documents",
        bool keepByteOrderMark = false)
    {
        var at = new SourceLocation(displayPath);
        try
        {
            // Every component is resolved, not only the file's own link: a symlinked folder (layers/ -> elsewhere)
            // must not bring files from outside the repository in either.
            var real = Conda.RealPath.Of(path);
            if (!Conda.RealPath.IsInside(real, repositoryRoot))
            {
                bag.Error(at, DiagnosticCode.SymlinkOutsideRepository, new FileInfo(path).LinkTarget is { } own
                    ? $"'{displayPath}' is a symbolic link to '{own}', outside the repository; copy the file into the repository instead"
                    : $"'{displayPath}' is really '{real}' (a folder on its path is a symbolic link), outside the repository; copy the file into the repository instead");
                return null;
            }
            var info = new FileInfo(real);
            if (!info.Exists)
            {
                bag.Error(at, DiagnosticCode.UnreadableFile, new FileInfo(path).LinkTarget is { } link
                    ? $"'{displayPath}' is a symbolic link to '{link}', which does not exist"
                    : $"'{displayPath}' does not exist");
                return null;
            }
            if (info.Length == 0)
            {
                // .NET reports a FIFO or a device as an empty file: neither is opened (a FIFO would block forever).
                bag.Error(at, DiagnosticCode.EmptyFile, $"'{displayPath}' is empty or not a regular file (a FIFO or a device); delete it or give it content");
                return null;
            }
            if (info.Length > maxBytes)
            {
                bag.Error(at, DiagnosticCode.FileTooLarge,
                    $"'{displayPath}' is {Conda.SafeFile.Size(info.Length)}; Beacon reads {kind} of at most {Conda.SafeFile.Size(maxBytes)} (is this a generated or data file in the wrong folder?)");
                return null;
            }
            var bytes = Conda.SafeFile.ReadAllBytes(info.FullName, maxBytes);
            if (Array.IndexOf(bytes, (byte)0) >= 0)
            {
                bag.Error(at, DiagnosticCode.BinaryFile, $"'{displayPath}' is a binary file (it contains NUL bytes); expected YAML text");
                return null;
            }
            string text;
            try
            {
                text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                bag.Error(at, DiagnosticCode.BinaryFile, $"'{displayPath}' is not UTF-8 text (invalid byte at offset {e.Index}); save it as UTF-8");
                return null;
            }
            if (text.Length > 0 && text[0] == '\uFEFF' && !keepByteOrderMark)
            {
                text = text[1..];
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                bag.Error(at, DiagnosticCode.EmptyFile, $"'{displayPath}' is empty; delete it or give it content");
                return null;
            }
            return text;
        }
        catch (IOException e)
        {
            bag.Error(at, DiagnosticCode.UnreadableFile, $"cannot read '{displayPath}': {e.Message}");
        }
        catch (Conda.SafeFileException e)
        {
            bag.Error(at, DiagnosticCode.UnreadableFile, e.Message.Replace(path, displayPath, StringComparison.Ordinal));
        }
        catch (UnauthorizedAccessException e)
        {
            bag.Error(at, DiagnosticCode.UnreadableFile, $"cannot read '{displayPath}': {e.Message}");
        }
        return null;
    }
}
