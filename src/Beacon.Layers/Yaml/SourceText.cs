using System.Text;
using Beacon.Layers.Diagnostics;

namespace Beacon.Layers.Yaml;

/// <summary>
/// Reads a user file defensively before any YAML parser sees it: symlinks must stay inside the repository, the file
/// must be small (documents are hand-written; a 10 MB file is a mistake), UTF-8 text and not empty.
/// </summary>
public static class SourceText
{
    public const long MaxBytes = 1024 * 1024;

    public static string? Read(string repositoryRoot, string path, string displayPath, DiagnosticBag bag)
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
            if (info.Length > MaxBytes)
            {
                bag.Error(at, DiagnosticCode.FileTooLarge,
                    $"'{displayPath}' is {info.Length / (1024.0 * 1024.0):F1} MiB; Beacon reads documents of at most 1 MiB (is this a generated or data file in the wrong folder?)");
                return null;
            }
            var bytes = File.ReadAllBytes(info.FullName);
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
        catch (UnauthorizedAccessException e)
        {
            bag.Error(at, DiagnosticCode.UnreadableFile, $"cannot read '{displayPath}': {e.Message}");
        }
        return null;
    }
}
