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

    public static string? Read(string repositoryRoot, string path, string displayPath, DiagnosticBag bag, long maxBytes = MaxBytes, string kind = "documents")
    {
        var at = new SourceLocation(displayPath);
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                var root = Path.GetFullPath(repositoryRoot).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
                if (target is null || !Path.GetFullPath(target.FullName).StartsWith(root, StringComparison.Ordinal))
                {
                    bag.Error(at, DiagnosticCode.SymlinkOutsideRepository,
                        $"'{displayPath}' is a symbolic link to '{info.LinkTarget}', outside the repository; copy the file into the repository instead");
                    return null;
                }
                if (!target.Exists)
                {
                    bag.Error(at, DiagnosticCode.UnreadableFile, $"'{displayPath}' is a symbolic link to '{info.LinkTarget}', which does not exist");
                    return null;
                }
                info = new FileInfo(target.FullName);
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
            if (text.Length > 0 && text[0] == '\uFEFF')
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
