namespace Beacon.Conda;

/// <summary>
/// A path with every symbolic link resolved, component by component (what POSIX realpath gives), so that a check
/// "is this inside the repository?" sees where a file really is: a symlinked folder on the way (<c>layers/ -> /etc</c>)
/// counts as much as a symlinked file. <c>..</c> after a link applies to the link's target, as the kernel does it.
/// </summary>
public static class RealPath
{
    /// <summary>Linux gives up after 40 links in one lookup (ELOOP); so does this.</summary>
    private const int MaxLinks = 40;

    /// <summary>Link targets of folders (null: not a link), read once per process.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> Folders = new(StringComparer.Ordinal);

    /// <returns>The resolved absolute path (components that do not exist are kept as written).</returns>
    /// <exception cref="IOException">More than 40 links, as a link loop gives.</exception>
    public static string Of(string path)
    {
        // Not Path.GetFullPath: it folds "x/../" away before x is known to be a link, which the kernel never does.
        var absolute = Path.IsPathRooted(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        var pending = new Stack<string>(Components(absolute).Reverse());
        var current = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (current.Count > 0)
                {
                    current.RemoveAt(current.Count - 1);
                }
                continue;
            }
            var candidate = "/" + string.Join('/', current.Append(part));
            // A folder on the way is asked once per process (a thousand documents share layers/ and the root above
            // it); the last component, the file itself, every time.
            var target = pending.Count > 0 ? Folders.GetOrAdd(candidate, static c => new FileInfo(c).LinkTarget) : new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                current.Add(part);
                continue;
            }
            if (++links > MaxLinks)
            {
                throw new IOException($"'{path}' goes through more than {MaxLinks} symbolic links (a loop?)");
            }
            if (target.StartsWith('/'))
            {
                current.Clear();
            }
            foreach (var p in Components(target).Reverse())
            {
                pending.Push(p);
            }
        }
        return "/" + string.Join('/', current);
    }

    /// <summary>Whether <paramref name="path"/> really lies inside <paramref name="folder"/> (both resolved).</summary>
    public static bool IsInside(string path, string folder)
    {
        var root = Of(folder).TrimEnd('/') + "/";
        return Of(path).StartsWith(root, StringComparison.Ordinal);
    }

    private static string[] Components(string path) => path.Split('/');
}
