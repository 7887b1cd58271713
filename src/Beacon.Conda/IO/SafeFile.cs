namespace Beacon.Conda;

/// <summary>Why a file was not read: not a regular file, too large, or unreadable.</summary>
public sealed class SafeFileException(string message) : Exception(message);

/// <summary>
/// Reads a file Beacon was pointed at without trusting it: at most a given number of bytes (a file that grows while it
/// is read, or a device such as /dev/zero, stops at the limit instead of filling memory), and never a FIFO or a device
/// (opening a FIFO would block forever). .NET does not tell a FIFO or a device from an empty regular file, but both
/// report a length of 0: such a file is not opened at all.
/// </summary>
public static class SafeFile
{
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var stream = OpenRead(path, maxBytes);
        try
        {
            // The length seen before opening bounds the read: a file that grows meanwhile is read as it was.
            var buffer = new byte[Math.Min(stream.Length, maxBytes)];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0)
                {
                    break;
                }
                read += n;
            }
            return read == buffer.Length ? buffer : buffer[..read];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SafeFileException($"cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>The same checks, for a file read as a stream (a package archive past 2 GiB is never held in memory).</summary>
    public static FileStream OpenRead(string path, long maxBytes)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
            }
        }
        catch (IOException e)
        {
            throw new SafeFileException($"cannot read '{path}': {e.Message}");
        }
        if (Directory.Exists(info.FullName))
        {
            throw new SafeFileException($"'{path}' is a folder, not a file");
        }
        if (!info.Exists)
        {
            throw new SafeFileException($"'{path}' does not exist");
        }
        if (info.Length == 0)
        {
            throw new SafeFileException($"'{path}' is empty or not a regular file (a FIFO or a device)");
        }
        if (info.Length > maxBytes)
        {
            throw new SafeFileException($"'{path}' is {Size(info.Length)}; Beacon reads at most {Size(maxBytes)} here");
        }
        try
        {
            return new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SafeFileException($"cannot read '{path}': {e.Message}");
        }
    }

    public static string Size(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GiB" : bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.#} MiB" : $"{bytes / 1024.0:0.#} KiB";
}
