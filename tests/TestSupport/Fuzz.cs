using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsCheck;
using Xunit.Abstractions;

namespace Beacon.TestSupport;

/// <summary>
/// The fuzz suite's runner: feeds generated inputs to a reader for a bounded time (BEACON_FUZZ_SECONDS per target,
/// default 3; CI sets more) on one thread, fails on any exception the reader lets out and on any single input that
/// takes longer than <see cref="PerInputLimit"/> (a hang in the making), and prints one line per target that
/// scripts/test.sh collects: "fuzz &lt;target&gt;: N inputs in S s, slowest M ms". CsCheck shrinks a failing input
/// and prints the seed that reproduces it (set CsCheck_Seed to replay).
/// </summary>
public static class Fuzz
{
    public static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(2);

    public static int Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable("BEACON_FUZZ_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 3;

    public static void Run<T>(string target, Gen<T> gen, Action<T> property, ITestOutputHelper output, Func<T, string>? print = null)
    {
        long inputs = 0;
        long slowestTicks = 0;
        T? slowest = default;
        var total = Stopwatch.StartNew();
        gen.Sample(input =>
        {
            var one = Stopwatch.StartNew();
            property(input);
            one.Stop();
            inputs++;
            if (one.Elapsed.Ticks > slowestTicks)
            {
                slowestTicks = one.Elapsed.Ticks;
                slowest = input;
            }
            if (one.Elapsed > PerInputLimit)
            {
                throw new TimeoutException($"one input took {one.Elapsed.TotalMilliseconds:0} ms (limit {PerInputLimit.TotalMilliseconds:0} ms)");
            }
        }, iter: long.MaxValue, time: Seconds, threads: 1, print: print);
        Assert.True(inputs > 0, $"fuzz {target}: no input was tried");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fuzz {target}: {inputs} inputs in {total.Elapsed.TotalSeconds:0.0} s, slowest {TimeSpan.FromTicks(slowestTicks).TotalMilliseconds:0.0} ms"));
        // The slowest input, for whoever looks into a slow reader (detailed test output only).
        output.WriteLine($"  slowest input: {(slowest is null ? "" : TerminalSafe((print ?? (x => x?.ToString() ?? ""))(slowest)))}");
    }

    private static string TerminalSafe(string text) =>
        string.Concat(text.Take(300).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    /// <summary>Short text for a failing input (CsCheck prints it with the seed).</summary>
    public static string Show(string text) => text.Length <= 2_000 ? text : text[..2_000] + $"… ({text.Length} chars)";
}

/// <summary>
/// Mutations of valid seed texts, the way a careless or hostile author edits a file: deletions, insertions of the
/// format's own tokens and of arbitrary characters (lone surrogates, NUL, bidi controls), duplicated slices, a token
/// repeated thousands of times (deep nesting, long runs), truncation, swapped lines. Each input is one seed with one
/// to six mutations, so most inputs stay close to valid and reach deep into the reader.
/// </summary>
public static class Mutations
{
    public static Gen<string> Of(IReadOnlyList<string> seeds, IReadOnlyList<string> tokens) => Indexed(seeds, tokens).Select(m => m.Text);

    /// <summary>Mutants with the index of the seed they came from (to know which file to write them to).</summary>
    public static Gen<(int Seed, string Text)> Indexed(IReadOnlyList<string> seeds, IReadOnlyList<string> tokens)
    {
        var operation = Gen.Select(Gen.Int[0, 8], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Char);
        return Gen.Select(Gen.Int[0, seeds.Count - 1], operation.Array[1, 6])
            .Select((seed, operations) => (seed, Apply(seeds[seed], operations, tokens)));
    }

    private static string Apply(string seed, (int Kind, int A, int B, char C)[] operations, IReadOnlyList<string> tokens)
    {
        var text = new StringBuilder(seed);
        foreach (var (kind, a, b, c) in operations)
        {
            var at = a % (text.Length + 1);
            var token = tokens[b % tokens.Count];
            switch (kind)
            {
                case 0:
                    text.Remove(at, Math.Min(1 + (b % 32), text.Length - at));
                    break;
                case 1:
                    text.Insert(at, token);
                    break;
                case 2:
                    text.Insert(at, c);
                    break;
                case 3 when at < text.Length:
                    text[at] = c;
                    break;
                case 4:
                    text.Insert(at, text.ToString(at, Math.Min(1 + (b % 400), text.Length - at)));
                    break;
                case 5:
                    text.Insert(at, string.Concat(Enumerable.Repeat(token, 1 + (b % 3_000))));
                    break;
                case 6:
                    text.Length = at;
                    break;
                case 7:
                    SwapLines(text, a, b);
                    break;
                default:
                    text.Insert(at, "\n" + new string(' ', b % 9) + token);
                    break;
            }
        }
        return text.ToString();
    }

    private static void SwapLines(StringBuilder text, int a, int b)
    {
        var lines = text.ToString().Split('\n');
        if (lines.Length < 2)
        {
            return;
        }
        var (i, j) = (a % lines.Length, b % lines.Length);
        (lines[i], lines[j]) = (lines[j], lines[i]);
        text.Clear().Append(string.Join('\n', lines));
    }
}
