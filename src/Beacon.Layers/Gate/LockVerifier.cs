using Beacon.Conda.Repodata;
using Beacon.Conda.Records;
using Beacon.Layers.Diagnostics;
using Beacon.Layers.Documents;
using Beacon.Layers.Locking;
using Beacon.Layers.Tree;

namespace Beacon.Layers.Gate;

/// <summary>
/// Checks a lock against the channels it names, trusting nothing in it (the author of a pull request may have
/// edited it): every record the layer adds is a package file of one of the layer's channels, with that channel's
/// sha256; a lock holds one record per package, every record's dependencies, and nothing another record's constraints exclude; and the whole file, header included,
/// is exactly what <c>beacon lock</c> writes for those records. Records inherited from the parent are the parent's
/// to prove (the gate checks the parent's lock the same way, and that the child keeps them unchanged).
/// </summary>
public static class LockVerifier
{
    public static IReadOnlyList<Diagnostic> Verify(LayerTree tree, LayerDocument layer, StoredLock stored, StoredLock? parent, ChannelIndex channels)
    {
        var bag = new DiagnosticBag();
        var lockFile = stored.Lock!;
        var packages = lockFile.Packages;
        var lines = lockFile.File.PackageLines;
        var channelNames = tree.EffectiveChannels(layer.Name);
        var channelUrls = channelNames.Select(channels.Url).ToList();
        var inherited = parent?.Lock?.Packages.Select(p => p.Url).ToHashSet(StringComparer.Ordinal) ?? [];
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var records = new List<(PackageRecord Record, int Line)>();
        for (var i = 0; i < packages.Count; i++)
        {
            var p = packages[i];
            var at = new SourceLocation(stored.Path, i < lines.Count ? lines[i] : 1);
            if (firstLine.TryGetValue(p.Name, out var earlier))
            {
                bag.Error(at, DiagnosticCode.LockNotAsWritten, $"a second record of {p.Name} (the first is at line {earlier}); a lock holds one record per package");
                continue;
            }
            firstLine[p.Name] = at.Line;
            var own = !inherited.Contains(p.Url);
            var record = channels.Find(p.Url, p.Name);
            if (record is null)
            {
                if (own && channels.LeftOut(p.Url) is { } leftOut)
                {
                    bag.Error(at, DiagnosticCode.LockRecordUnknown,
                        $"{p.FileName} is left out of {p.Channel} ({(leftOut.Reason == LeftOutReason.NoSha256 ? "it has no sha256 to verify" : $"its file name names another package: {leftOut.Detail}")}), so no lock may use it; run 'beacon lock {layer.Name}'");
                }
                else if (own)
                {
                    var what = channelUrls.Any(u => p.Url.StartsWith(u + "/", StringComparison.Ordinal))
                        ? $"{p.FileName} is not a package of {p.Channel} (in {p.Subdir})"
                        : $"'{Conda.Parsing.Printable.Of(p.Url)}' is not a package of the layer's channels ({string.Join(", ", channelUrls)})";
                    bag.Error(at, DiagnosticCode.LockRecordUnknown,
                        $"{what}; {WhatTheChannelsHave(p, channelNames, channels, tree.PlatformOf(layer.Name))}; was the lock edited by hand? run 'beacon lock {layer.Name}'");
                }
                continue;
            }
            if (own && !channelUrls.Contains(record.Channel, StringComparer.Ordinal))
            {
                bag.Error(at, DiagnosticCode.LockRecordUnknown, $"{p.FileName} comes from {record.Channel}, which layer '{layer.Name}' does not use ({string.Join(", ", channelUrls)})");
                continue;
            }
            // A layer runs on its root's platform: a package built for another subdir would not run there.
            if (own && !Conda.Specs.Subdirs.InstallsOn(record.Subdir, tree.PlatformOf(layer.Name)))
            {
                bag.Error(at, DiagnosticCode.LockRecordUnknown,
                    $"{p.FileName} is built for {record.Subdir}, and layer '{layer.Name}' runs on {tree.PlatformOf(layer.Name)}; run 'beacon lock {layer.Name}'");
                continue;
            }
            if (p.Sha256 != record.Sha256 || (p.Md5 is not null && record.Md5 is not null && p.Md5 != record.Md5))
            {
                bag.Error(at, DiagnosticCode.LockRecordAltered,
                    $"{p.FileName} has sha256 {Short(p.Sha256)} in the lock but {Short(record.Sha256)} in {record.Channel}; was the lock edited by hand? run 'beacon lock {layer.Name}'");
                continue;
            }
            records.Add((record, at.Line));
        }
        if (bag.HasErrors)
        {
            return bag.Sorted();
        }
        // The rule the solver checks its answers with (a lock holds one record per name: refused above otherwise).
        var lineOf = records.ToDictionary(r => r.Record.Name, r => r.Line, StringComparer.Ordinal);
        foreach (var broken in EnvironmentClosure.Breaks(records.Select(r => r.Record).ToList(), virtualPackagesIncluded: false))
        {
            var (record, spec) = (broken.Record, broken.Spec);
            if (broken.Breaker is not { } other)
            {
                bag.Error(new SourceLocation(stored.Path, lineOf[record.Name]), DiagnosticCode.LockDependencyMissing,
                    $"{record.Name} {record.Version.Text} needs '{spec}', which the lock does not hold; run 'beacon lock {layer.Name}'");
            }
            else
            {
                bag.Error(new SourceLocation(stored.Path, lineOf[other.Name]), DiagnosticCode.LockDependencyMissing,
                    $"{record.Name} {record.Version.Text} allows only '{spec}', but the lock holds {other.Name} {other.Version.Text} {other.Build}; run 'beacon lock {layer.Name}'");
            }
        }
        if (bag.HasErrors)
        {
            return bag.Sorted();
        }
        // The file as 'beacon lock' writes these records (with the header's own parent and inputs hashes: whether those
        // are current is the gate's other question).
        var expected = LayerLock.Create(tree.PlatformOf(layer.Name), layer.Name, layer.Parent?.Value, lockFile.ParentLockSha256, lockFile.InputsSha256 ?? "",
            records.Select(r => r.Record).ToList(), layer.Parent is null ? lockFile.BaseImage : null).Text();
        if (expected != stored.Text)
        {
            var (line, want, found) = TextDifference.First(expected, stored.Text);
            bag.Error(new SourceLocation(stored.Path, line), DiagnosticCode.LockNotAsWritten,
                $"the lock is not what 'beacon lock' writes for its records: line {line} should be {want}, found {found}; run 'beacon lock {layer.Name}'");
        }
        return bag.Sorted();
    }

    /// <summary>The channel's real values for a record it does not have: the same file elsewhere, or the versions it has.</summary>
    private static string WhatTheChannelsHave(Conda.Locks.LockedPackage p, IReadOnlyList<string> channelNames, ChannelIndex channels, string platform)
    {
        var named = channelNames.SelectMany(c => channels.Named(c, p.Name))
            .Where(r => r.Name == p.Name && Conda.Specs.Subdirs.InstallsOn(r.Subdir, platform)).ToList();
        if (named.FirstOrDefault(r => r.FileName == p.FileName) is { } same)
        {
            return $"the channel's file of that name is {same.Url}";
        }
        if (named.Count == 0)
        {
            return $"the layer's channels have no package named '{Conda.Parsing.Printable.Of(p.Name)}'";
        }
        var newest = named.OrderByDescending(r => r.Version).ThenByDescending(r => r.BuildNumber).Take(3).Select(r => $"{r.Version.Text} {r.Build}");
        return $"the channels have {p.Name} {string.Join(", ", newest)}{(named.Count > 3 ? $" and {named.Count - 3} more" : "")}";
    }

    private static string Short(string? sha) => sha is null ? "(none)" : sha[..Math.Min(12, sha.Length)] + "…";

}
