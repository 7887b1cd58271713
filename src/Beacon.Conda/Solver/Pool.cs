using Beacon.Conda.Records;
using Beacon.Conda.Specs;
using Version = Beacon.Conda.Versions.Version;

namespace Beacon.Conda.Solver;

/// <summary>How candidates from several channels mix.</summary>
public enum ChannelPriority
{
    /// <summary>A package name comes only from the first channel that has it (conda's and rattler's recommendation).</summary>
    Strict,
    /// <summary>All channels are merged; a higher-priority channel is preferred over a higher version (conda's "flexible").</summary>
    Flexible,
    /// <summary>All channels are merged; the channel order only breaks ties between equal versions.</summary>
    Disabled,
}

/// <summary>
/// The solver's view of the world: every candidate record as an integer id (0 is the root), grouped by package name
/// and sorted in preference order the first time a name is needed, and cached spec → candidates look-ups.
/// Candidate order (mamba/resolvo): soft-locked first, fewer track_features, higher version, channel priority,
/// higher build number, the variant whose dependencies allow the highest versions, newer timestamp.
/// </summary>
internal sealed class Pool
{
    private readonly List<PackageRecord?> _records = [null];
    private readonly List<int> _nameOf = [-1];
    private readonly List<int> _channelOf = [-1];
    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _nameIds = new(StringComparer.Ordinal);
    private readonly List<List<int>> _byName = [];
    private readonly List<bool> _sorted = [];
    private readonly HashSet<int> _preferred = [];
    private readonly Dictionary<string, MatchSpec?> _specs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]> _matching = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Version? Version, bool TrackFeatures)> _highest = new(StringComparer.Ordinal);
    private readonly ChannelPriority _priority;

    public Pool(SolveRequest request, ChannelPriority priority)
    {
        _priority = priority;
        var firstChannelOfName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < request.Channels.Count; c++)
        {
            foreach (var record in request.Channels[c])
            {
                if (priority == ChannelPriority.Strict)
                {
                    if (firstChannelOfName.TryGetValue(record.Name, out var first) && first != c)
                    {
                        continue;
                    }
                    firstChannelOfName[record.Name] = c;
                }
                Add(record, c);
            }
        }
        foreach (var v in request.VirtualPackages)
        {
            Add(v, -1);
        }
        foreach (var pin in request.HardPins)
        {
            if (Find(pin.Record) < 0)
            {
                // A parent's record that the channels no longer list (or list in another channel) still exists.
                Add(pin.Record, request.Channels.Count);
            }
        }
        foreach (var locked in request.SoftLocks)
        {
            var id = Find(locked);
            if (id >= 0)
            {
                _preferred.Add(id);
            }
        }
    }

    public int Count => _records.Count;
    public PackageRecord? Record(int solvable) => _records[solvable];
    public int NameOf(int solvable) => _nameOf[solvable];
    public string Name(int nameId) => _names[nameId];
    public int NameCount => _names.Count;

    public int NameId(string name) => _nameIds.TryGetValue(name, out var id) ? id : -1;

    private void Add(PackageRecord record, int channel)
    {
        if (!_nameIds.TryGetValue(record.Name, out var nameId))
        {
            nameId = _names.Count;
            _names.Add(record.Name);
            _nameIds[record.Name] = nameId;
            _byName.Add([]);
            _sorted.Add(false);
        }
        var id = _records.Count;
        _records.Add(record);
        _nameOf.Add(nameId);
        _channelOf.Add(channel);
        _byName[nameId].Add(id);
    }

    /// <summary>The pool id of a record equal by name, version, build and subdir (-1 when absent).</summary>
    public int Find(PackageRecord record)
    {
        var nameId = NameId(record.Name);
        if (nameId < 0)
        {
            return -1;
        }
        foreach (var id in _byName[nameId])
        {
            var r = _records[id]!;
            if (r.Build == record.Build && r.Version.Text == record.Version.Text && (r.Subdir == record.Subdir || record.Subdir.Length == 0))
            {
                return id;
            }
        }
        return -1;
    }

    /// <summary>All candidates of a name, best first.</summary>
    public IReadOnlyList<int> Candidates(int nameId)
    {
        if (!_sorted[nameId])
        {
            _byName[nameId].Sort(Compare);
            _sorted[nameId] = true;
        }
        return _byName[nameId];
    }

    public MatchSpec? Spec(string text)
    {
        if (!_specs.TryGetValue(text, out var spec))
        {
            var parsed = MatchSpec.TryParse(text);
            spec = parsed.Success ? parsed.Value : null;
            _specs[text] = spec;
        }
        return spec;
    }

    /// <summary>The candidates matching a dependency string, best first (empty for an unparsable spec).</summary>
    public int[] Matching(string specText)
    {
        if (_matching.TryGetValue(specText, out var cached))
        {
            return cached;
        }
        var spec = Spec(specText);
        int[] result;
        if (spec is null)
        {
            result = [];
        }
        else if (spec.Name == "*")
        {
            result = Enumerable.Range(1, _records.Count - 1).Where(i => spec.Matches(_records[i]!)).ToArray();
        }
        else
        {
            var nameId = NameId(spec.Name);
            result = nameId < 0 ? [] : Candidates(nameId).Where(i => spec.Matches(_records[i]!)).ToArray();
        }
        _matching[specText] = result;
        return result;
    }

    private int Compare(int a, int b)
    {
        if (a == b)
        {
            return 0;
        }
        var ra = _records[a]!;
        var rb = _records[b]!;
        // A soft-locked (already chosen) record is kept whenever it fits: a re-lock moves as little as possible.
        var c = _preferred.Contains(b).CompareTo(_preferred.Contains(a));
        if (c != 0)
        {
            return c;
        }
        if (_priority == ChannelPriority.Flexible)
        {
            // conda's "flexible": a higher-priority channel wins over a higher version elsewhere.
            c = ChannelRank(a).CompareTo(ChannelRank(b));
            if (c != 0)
            {
                return c;
            }
        }
        c = (ra.TrackFeatures.Count > 0).CompareTo(rb.TrackFeatures.Count > 0);
        if (c != 0)
        {
            return c;
        }
        c = rb.Version.CompareTo(ra.Version);
        if (c != 0)
        {
            return c;
        }
        // Strict priority already filtered; otherwise the channel order breaks a version tie before the build number.
        c = ChannelRank(a).CompareTo(ChannelRank(b));
        if (c != 0)
        {
            return c;
        }
        c = rb.BuildNumber.CompareTo(ra.BuildNumber);
        if (c != 0)
        {
            return c;
        }
        c = CompareByDependencies(ra, rb);
        if (c != 0)
        {
            return c;
        }
        c = (rb.Timestamp ?? 0).CompareTo(ra.Timestamp ?? 0);
        if (c != 0)
        {
            return c;
        }
        c = string.CompareOrdinal(ra.FileName, rb.FileName);
        return c != 0 ? c : a.CompareTo(b);
    }

    private int ChannelRank(int solvable) => _channelOf[solvable] < 0 ? int.MaxValue : _channelOf[solvable];

    /// <summary>
    /// For two variants of one version: over the dependency names both have, the variant whose spec admits the higher
    /// best version (or avoids track_features) wins more often. Positive when <paramref name="b"/> is better.
    /// </summary>
    private int CompareByDependencies(PackageRecord a, PackageRecord b)
    {
        if (a.Depends.Count == 0 || b.Depends.Count == 0)
        {
            return 0;
        }
        var bByName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dep in b.Depends)
        {
            if (Spec(dep) is { } s)
            {
                bByName.TryAdd(s.Name, dep);
            }
        }
        var score = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dep in a.Depends)
        {
            if (Spec(dep) is not { } s || !seen.Add(s.Name) || !bByName.TryGetValue(s.Name, out var other) || other == dep)
            {
                continue;
            }
            var (va, tfa) = Highest(dep);
            var (vb, tfb) = Highest(other);
            if (va is null || vb is null)
            {
                continue;
            }
            if (tfa != tfb)
            {
                score += tfa ? 1 : -1;
            }
            else
            {
                score += Math.Sign(vb.CompareTo(va));
            }
        }
        return Math.Sign(score);
    }

    /// <summary>The highest version a spec admits among the candidates, and whether that best one has track_features.</summary>
    private (Version? Version, bool TrackFeatures) Highest(string specText)
    {
        if (_highest.TryGetValue(specText, out var cached))
        {
            return cached;
        }
        var spec = Spec(specText);
        (Version? Version, bool TrackFeatures) best = (null, false);
        var nameId = spec is null ? -1 : NameId(spec.Name);
        if (nameId >= 0)
        {
            foreach (var id in _byName[nameId])
            {
                var r = _records[id]!;
                if (!spec!.Matches(r))
                {
                    continue;
                }
                var tf = r.TrackFeatures.Count > 0;
                if (best.Version is null || (best.TrackFeatures && !tf) || (best.TrackFeatures == tf && r.Version > best.Version))
                {
                    best = (r.Version, tf);
                }
            }
        }
        _highest[specText] = best;
        return best;
    }
}
