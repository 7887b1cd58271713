namespace Beacon.Conda.Specs;

/// <summary>
/// Globs whose only wildcard is <c>*</c> (build strings, conda's <c>1.*.3</c> versions), matched directly rather than
/// through a regex: no automaton that grows with the pattern, no backtracking, no timeout to escape mid-solve.
/// </summary>
internal static class Glob
{
    public static string[] Split(string pattern) => pattern.Split('*');

    /// <summary>
    /// The first piece starts the value, the last ends it, and the pieces between occur in order (taking each at its
    /// leftmost place is always right when the only wildcard is <c>*</c>).
    /// </summary>
    public static bool Matches(string[] pieces, string value, StringComparison comparison)
    {
        var first = pieces[0];
        var last = pieces[^1];
        if (value.Length < first.Length + last.Length || !value.StartsWith(first, comparison) || !value.EndsWith(last, comparison))
        {
            return false;
        }
        var at = first.Length;
        var end = value.Length - last.Length;
        for (var i = 1; i < pieces.Length - 1; i++)
        {
            if (pieces[i].Length == 0)
            {
                continue;
            }
            var found = value.IndexOf(pieces[i], at, end - at, comparison);
            if (found < 0)
            {
                return false;
            }
            at = found + pieces[i].Length;
        }
        return true;
    }
}
