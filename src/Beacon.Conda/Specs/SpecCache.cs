using System.Collections.Concurrent;
using Beacon.Conda.Parsing;

namespace Beacon.Conda.Specs;

/// <summary>
/// MatchSpecs parsed once per process by their text, for the strings met again and again: the depends of locked
/// records (every child lock repeats its parent's records, so a 500-layer tree parses the same few thousand strings
/// hundreds of times). <see cref="MatchSpec"/> is immutable, so one parse serves every caller; the cache stops
/// growing at <see cref="MaxEntries"/>, so input with ever new strings costs parsing, never unbounded memory.
/// </summary>
public static class SpecCache
{
    public const int MaxEntries = 200_000;

    private static readonly ConcurrentDictionary<string, ParseResult<MatchSpec>> Parsed = new(StringComparer.Ordinal);

    public static ParseResult<MatchSpec> TryParse(string text)
    {
        if (Parsed.TryGetValue(text, out var known))
        {
            return known;
        }
        var parsed = MatchSpec.TryParse(text);
        if (Parsed.Count < MaxEntries)
        {
            Parsed.TryAdd(text, parsed);
        }
        return parsed;
    }

    /// <summary>The package name a spec string names (null when it does not parse, or for the "*" wildcard).</summary>
    public static string? NameOf(string text) =>
        TryParse(text) is { Success: true } parsed && parsed.Value.Name != "*" ? parsed.Value.Name : null;
}
