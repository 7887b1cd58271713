using System.Security.Cryptography;
using Beacon.Conda.Records;

namespace Beacon.Conda.Packages;

/// <summary>A package could not be fetched, or is not the file its channel promised: nothing was installed.</summary>
public sealed class PackageFetchException(string message) : Exception(message);

/// <summary>
/// Package archives fetched from their channel's location (a folder, <c>file://</c>, or http(s)) into a cache keyed by
/// sha256, each verified against the record before it is kept: the size (when the channel gives one) and the sha256
/// must match, or the file is discarded with an error naming the package and both hashes. Extracted packages are kept
/// beside them (as conda keeps its pkgs folder), extracted once into a temporary folder and renamed into place.
/// Several processes may share the cache: downloads and extractions happen in this process's own
/// <see cref="ScratchFolder"/> and are published by one rename; a package another process published first is used
/// as it is (it is the same verified archive), never replaced under a reader.
/// </summary>
public sealed class PackageCache(string directory, HttpClient? http = null) : IDisposable
{
    /// <summary>How long a package server may take to answer; then the longest silence in the download.</summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan SilenceTimeout { get; init; } = TimeSpan.FromSeconds(60);

    private ScratchFolder? _scratch;

    /// <summary>This process's scratch space in the cache (claimed on first use; abandoned ones are removed then).</summary>
    public ScratchFolder Scratch => _scratch ??= ScratchFolder.Claim(Path.Combine(Directory, "scratch"));

    public void Dispose() => _scratch?.Dispose();

    /// <summary>Where BEACON_CACHE_DIR (or XDG_CACHE_HOME, or ~/.cache) puts package archives and extracted packages.</summary>
    /// <summary>
    /// <c>$BEACON_CACHE_DIR/pkgs</c> when it is set (everything Beacon caches stays inside the folder it was given;
    /// it used to be the folder's sibling), else <c>~/.cache/beacon/pkgs</c> beside the repodata cache.
    /// </summary>
    public static string DefaultDirectory(Func<string, string?> environment) =>
        environment("BEACON_CACHE_DIR") is { Length: > 0 } dir
            ? Path.Combine(dir, "pkgs")
            : Path.Combine(Path.GetDirectoryName(Channels.ChannelLoader.DefaultCacheDirectory(environment))!, "pkgs");

    public string Directory { get; } = directory;

    /// <summary>The verified archive of <paramref name="record"/>, fetched from <paramref name="channelLocation"/> when not cached.</summary>
    public Task<string> FetchAsync(PackageRecord record, string channelLocation, CancellationToken cancellationToken = default) =>
        FetchAsync(record, channelLocation, null, cancellationToken);

    /// <param name="progress">Told the bytes as they arrive (key <c>fetch:&lt;file name&gt;</c>); a cached archive reports nothing.</param>
    public async Task<string> FetchAsync(PackageRecord record, string channelLocation, IProgress<ProgressUpdate>? progress, CancellationToken cancellationToken = default)
    {
        if (record.Sha256 is not { Length: 64 } expected)
        {
            throw new PackageFetchException($"{record.FileName} has no sha256 in its channel: Beacon installs only verified packages");
        }
        var archives = Path.Combine(Directory, "archives");
        System.IO.Directory.CreateDirectory(archives);
        var cached = Path.Combine(archives, expected + Extension(record.FileName));
        if (File.Exists(cached) && Sha256Of(cached) == expected)
        {
            return cached;
        }
        var temp = Scratch.NewPath(record.FileName);
        var source = $"{channelLocation.TrimEnd('/')}/{record.Subdir}/{record.FileName}";
        try
        {
            await CopyAsync(source, temp, record.Size, progress is null ? null : s => new ProgressStream(s, progress, "fetch:" + record.FileName, record.FileName, record.Size),
                cancellationToken);
            var size = new FileInfo(temp).Length;
            if (record.Size is { } want && want != size)
            {
                throw new PackageFetchException($"{record.FileName} from {source} is {size} bytes; its channel says {want}; nothing was installed");
            }
            var actual = Sha256Of(temp);
            if (actual != expected)
            {
                throw new PackageFetchException($"{record.FileName} from {source} has sha256 {actual}; the lock and its channel say {expected}; nothing was installed");
            }
            File.Move(temp, cached, overwrite: true);
            return cached;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The extracted package (its folder holds info/ and the files), extracting the archive once.</summary>
    /// <param name="name">How errors name the package: its channel file name (the cached archive is named by its sha256).</param>
    public string Extract(string archive, string? name = null)
    {
        var extracted = Path.Combine(Directory, "extracted", Path.GetFileName(archive).Split('.')[0]);
        if (File.Exists(Path.Combine(extracted, "info", "index.json")))
        {
            return extracted;
        }
        var temp = Scratch.NewPath("extracted");
        try
        {
            PackageArchive.Extract(archive, temp, name);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(extracted)!);
            try
            {
                System.IO.Directory.Move(temp, extracted);
            }
            catch (IOException) when (File.Exists(Path.Combine(extracted, "info", "index.json")))
            {
                // Another process published the same package first: theirs is used, ours is dropped.
            }
            catch (IOException) when (System.IO.Directory.Exists(extracted))
            {
                // A folder without info/index.json is no published package (publishing is one rename): replace it.
                System.IO.Directory.Delete(extracted, recursive: true);
                System.IO.Directory.Move(temp, extracted);
            }
            return extracted;
        }
        finally
        {
            if (System.IO.Directory.Exists(temp))
            {
                System.IO.Directory.Delete(temp, recursive: true);
            }
        }
    }

    private static string Extension(string fileName) => fileName.EndsWith(".tar.bz2", StringComparison.Ordinal) ? ".tar.bz2" : ".conda";

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private async Task CopyAsync(string source, string temp, long? size, Func<Stream, Stream>? watch, CancellationToken cancellationToken)
    {
        // The channel's size bounds the read (a server that keeps sending is cut off); without one, 8 GiB.
        var limit = (size ?? (8L << 30)) + 1;
        if (Channels.ChannelLoader.IsRemote(source))
        {
            if (http is null)
            {
                throw new PackageFetchException($"cannot fetch {source}: no HTTP client configured");
            }
            await using var output = File.Create(temp);
            try
            {
                using var response = await Net.Deadline.AnswerWithinAsync(t => http.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, t), AnswerTimeout, source, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new PackageFetchException($"cannot fetch {source}: {(int)response.StatusCode} {response.ReasonPhrase}");
                }
                Stream body = new Net.BoundedSilenceStream(await response.Content.ReadAsStreamAsync(cancellationToken), SilenceTimeout, source);
                await using var watched = watch?.Invoke(body) ?? body;
                await CopyBoundedAsync(watched, output, limit, source, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or Net.StalledException or HttpIOException && !cancellationToken.IsCancellationRequested)
            {
                throw new PackageFetchException($"cannot fetch {source}: {Parsing.Printable.Of(e.Message)}");
            }
            return;
        }
        var path = source.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(source).LocalPath : source;
        try
        {
            Stream input = SafeFile.OpenRead(path, limit);
            await using var watched = watch?.Invoke(input) ?? input;
            await using var output = File.Create(temp);
            await CopyBoundedAsync(watched, output, limit, source, cancellationToken);
        }
        catch (SafeFileException e)
        {
            throw new PackageFetchException(e.Message);
        }
    }

    private static async Task CopyBoundedAsync(Stream input, Stream output, long limit, string source, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw new PackageFetchException($"{source} is larger than its channel says; nothing was installed");
            }
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }
}
