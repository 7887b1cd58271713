using System.Security.Cryptography;
using Beacon.Conda.Records;
using Beacon.Conda.Repodata;

namespace Beacon.Conda.Channels;

/// <summary>
/// The records of one channel subdir, asked for by package name: a solve or a gate reads the names it reaches, never
/// the whole channel, when the channel is sharded (CEP-16). Two readings: <see cref="WholeSubdir"/> (repodata.json,
/// read once) and <see cref="ShardedSubdir"/> (a shard per name, fetched when first asked for).
/// </summary>
public abstract class SubdirRecords(string subdir)
{
    public string Subdir { get; } = subdir;

    /// <summary>
    /// What the subdir's records are a function of, e.g. <c>json:&lt;sha256 of the repodata bytes&gt;</c> or
    /// <c>shards:&lt;sha256 of the shard index&gt;</c> (it names every shard by its hash): a result computed from its
    /// records can be reused while this is the same.
    /// </summary>
    public abstract string ContentId { get; }

    /// <summary>Whether every name is already at hand (repodata.json): nothing needs loading.</summary>
    public abstract bool Complete { get; }

    /// <summary>Makes the records of these names available to <see cref="Named"/> (a name the subdir lacks has none).</summary>
    public abstract Task LoadAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken);

    /// <summary>Whether <see cref="Named"/> can answer for this name.</summary>
    public abstract bool IsLoaded(string name);

    /// <summary>The records of a loaded name, in the channel's order; asking for a name not loaded is a bug.</summary>
    public abstract IReadOnlyList<PackageRecord> Named(string name);

    /// <summary>Every package name the subdir has.</summary>
    public abstract IEnumerable<string> Names { get; }

    /// <summary>
    /// The record of a package file, looked for under the name its file name gives and under <paramref name="name"/>
    /// (a version may hold a '-', which the file name cannot tell apart); only loaded names are looked at.
    /// </summary>
    public virtual PackageRecord? Find(string fileName, string? name)
    {
        foreach (var candidate in new[] { PackageFileName.NameOf(fileName), name })
        {
            if (candidate is not null && IsLoaded(candidate) && Named(candidate).FirstOrDefault(r => r.FileName == fileName) is { } found)
            {
                return found;
            }
        }
        return null;
    }

    protected static Dictionary<string, IReadOnlyList<PackageRecord>> ByName(IEnumerable<PackageRecord> records)
    {
        var byName = new Dictionary<string, List<PackageRecord>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (!byName.TryGetValue(record.Name, out var list))
            {
                byName[record.Name] = list = [];
            }
            list.Add(record);
        }
        return byName.ToDictionary(p => p.Key, p => (IReadOnlyList<PackageRecord>)p.Value, StringComparer.Ordinal);
    }
}

/// <summary>
/// A subdir read whole from repodata.json: every name is loaded, on first use (so a caller that only needs
/// <see cref="ContentId"/> never parses the document).
/// </summary>
public sealed class WholeSubdir : SubdirRecords
{
    private readonly Lazy<(IReadOnlyList<PackageRecord> Records, Dictionary<string, IReadOnlyList<PackageRecord>> ByName, Dictionary<string, PackageRecord> ByFile)> _read;

    /// <param name="contentSha256">The sha256 of the bytes <paramref name="read"/> parses (compressed or not, as stored).</param>
    /// <param name="read">Parses the records (the channel's reader: it throws <see cref="RepodataException"/>).</param>
    public WholeSubdir(string subdir, string contentSha256, Func<IReadOnlyList<PackageRecord>> read) : base(subdir)
    {
        ContentId = "json:" + contentSha256;
        _read = new(() =>
        {
            var records = read();
            return (records, ByName(records), records.ToDictionary(r => r.FileName, StringComparer.Ordinal));
        });
    }

    /// <summary>Records already read (tests, small channels).</summary>
    public WholeSubdir(string subdir, IReadOnlyList<PackageRecord> records) : this(subdir, "records", () => records)
    {
    }

    public override string ContentId { get; }

    public IReadOnlyList<PackageRecord> Records => _read.Value.Records;

    private Dictionary<string, IReadOnlyList<PackageRecord>> _byName => _read.Value.ByName;

    private Dictionary<string, PackageRecord> _byFile => _read.Value.ByFile;

    public override bool Complete => true;

    public override Task LoadAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        _ = _read.Value;
        return Task.CompletedTask;
    }

    public override bool IsLoaded(string name) => true;

    public override IReadOnlyList<PackageRecord> Named(string name) => _byName.GetValueOrDefault(name) ?? [];

    public override IEnumerable<string> Names => _byName.Keys;

    public override PackageRecord? Find(string fileName, string? name) => _byFile.GetValueOrDefault(fileName);
}

/// <summary>
/// A sharded subdir: the index names each package's shard by its sha256; a shard is fetched (in parallel, at most
/// <see cref="Parallelism"/> at a time), checked against that hash, and read through the channel's
/// <see cref="RepodataReader"/> (so its records pass the same checks as repodata.json's) the first time its name is asked for.
/// </summary>
public sealed class ShardedSubdir : SubdirRecords
{
    /// <summary>Shard requests in flight at once (conda and rattler use a handful of connections per host).</summary>
    public const int Parallelism = 8;

    private readonly ShardIndex _index;
    private readonly ShardFetch _fetch;
    private readonly RepodataReader _reader;
    private readonly string _channel;
    private readonly Dictionary<string, IReadOnlyList<PackageRecord>> _loaded = new(StringComparer.Ordinal);

    /// <summary>Fetches a shard's compressed bytes, checked against its sha256; <c>refresh</c> asks past a cached copy.</summary>
    public delegate Task<byte[]> ShardFetch(string sha256, bool refresh, CancellationToken cancellationToken);

    /// <param name="where">Names the subdir in errors (its URL or folder).</param>
    /// <param name="indexSha256">The sha256 of the index as stored (its <see cref="ContentId"/>).</param>
    public ShardedSubdir(string subdir, ShardIndex index, string indexSha256, ShardFetch fetch, RepodataReader reader, string channel, string where) : base(subdir)
    {
        ContentId = "shards:" + indexSha256;
        if (index.Subdir is { } said && said != subdir)
        {
            throw new RepodataException($"{where}: the shard index says it is subdir '{Parsing.Printable.Of(said)}'");
        }
        _index = index;
        _fetch = fetch;
        _reader = reader;
        _channel = channel;
        Where = where;
    }

    /// <summary>The subdir's URL or folder, as errors name it.</summary>
    public string Where { get; }

    public override string ContentId { get; }

    /// <summary>How many shards were read (the benchmark reports it).</summary>
    public int ShardsRead => _loaded.Count;

    public override bool Complete => false;

    public override IEnumerable<string> Names => _index.Shards.Keys;

    public override bool IsLoaded(string name) => _loaded.ContainsKey(name) || !_index.Shards.ContainsKey(name);

    public override IReadOnlyList<PackageRecord> Named(string name) =>
        _loaded.TryGetValue(name, out var records) ? records
        : _index.Shards.ContainsKey(name) ? throw new InvalidOperationException($"the shard of '{name}' in {Where} was not loaded before it was asked for")
        : [];

    public override async Task LoadAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var wanted = names.Where(n => !IsLoaded(n)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return;
        }
        var fetched = new byte[wanted.Count][];
        await Parallel.ForEachAsync(Enumerable.Range(0, wanted.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, token) => fetched[i] = await _fetch(_index.Shards[wanted[i]], false, token));
        // Read in name order on this thread: the reader interns strings and collects left-out records.
        for (var i = 0; i < wanted.Count; i++)
        {
            _loaded[wanted[i]] = await ReadAsync(wanted[i], fetched[i], cancellationToken);
        }
    }

    private async Task<IReadOnlyList<PackageRecord>> ReadAsync(string name, byte[] compressed, CancellationToken cancellationToken)
    {
        var sha256 = _index.Shards[name];
        var where = $"{Where}/{ShardIndex.ShardFileName(sha256)}";
        byte[] msgpack;
        try
        {
            msgpack = RepodataReader.Decompress(compressed, ShardIndex.MaxShardBytes, where);
        }
        catch (RepodataException)
        {
            // A cached copy that no longer decodes (a disk fault): fetched once more, checked against its hash again.
            compressed = await _fetch(sha256, true, cancellationToken);
            msgpack = RepodataReader.Decompress(compressed, ShardIndex.MaxShardBytes, where);
        }
        var records = _reader.ReadShard(msgpack, _channel, Subdir, where);
        if (records.FirstOrDefault(r => r.Name != name) is { } stranger)
        {
            throw new RepodataException($"{where}: the shard of '{Parsing.Printable.Of(name)}' holds a record of '{Parsing.Printable.Of(stranger.Name)}' ({Parsing.Printable.Of(stranger.FileName)})");
        }
        return records;
    }

    /// <summary>Checks bytes read from a folder against the sha256 the index names them by.</summary>
    public static byte[] Verified(byte[] bytes, string sha256, string where)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return actual == sha256 ? bytes : throw new RepodataException($"{where}: its sha256 is {actual}, not the {sha256} the shard index names");
    }
}

/// <summary>
/// A plain repodata.json read through its <see cref="RepodataIndex"/>: records are built only for the names asked
/// for, from their byte ranges of the file. Nothing but the file's hash is used until a name is asked for, so the
/// index is loaded, and <c>info.subdir</c> checked against the folder's subdir (<paramref name="where"/> names the
/// file in the message), only then.
/// </summary>
public sealed class IndexedSubdir(string subdir, RepodataIndex index, RepodataReader reader, string channel, string where) : SubdirRecords(subdir)
{
    private readonly Dictionary<string, IReadOnlyList<PackageRecord>> _loaded = new(StringComparer.Ordinal);
    private readonly Lazy<RepodataIndex> _checked = new(() =>
        index.InfoSubdir is { } said && said != subdir
            ? throw new RepodataException($"{where} says it is the repodata of subdir '{Parsing.Printable.Of(said)}'")
            : index);

    public override string ContentId { get; } = "json:" + index.ContentHash;

    public override bool Complete => false;

    public override IEnumerable<string> Names => _checked.Value.Names;

    public override bool IsLoaded(string name) => _loaded.ContainsKey(name) || !_checked.Value.Has(name);

    public override IReadOnlyList<PackageRecord> Named(string name) =>
        _loaded.TryGetValue(name, out var records) ? records
        : _checked.Value.Has(name) ? throw new InvalidOperationException($"the records of '{name}' in {Subdir} were not loaded before they were asked for")
        : [];

    public override Task LoadAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        foreach (var name in names.Where(n => !IsLoaded(n)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            _loaded[name] = _checked.Value.Read(name, reader, channel, Subdir);
        }
        return Task.CompletedTask;
    }
}
