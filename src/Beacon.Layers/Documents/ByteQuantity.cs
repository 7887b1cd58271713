using System.Globalization;
using System.Numerics;

namespace Beacon.Layers.Documents;

/// <summary>
/// A Kubernetes resource quantity of bytes (<c>memory:</c>, <c>storage:</c>), parsed as Kubernetes' resource.Quantity
/// reads it (k8s.io/apimachinery/pkg/api/resource): a non-negative decimal number, then one suffix — binary
/// <c>Ki Mi Gi Ti Pi Ei</c> (powers of 1024), decimal <c>k M G T P E</c> (powers of 1000; kilo is a lowercase k), or
/// an exponent <c>e3</c>/<c>E3</c>. A fraction of a byte rounds up, as Kubernetes' Value() does. What Kubernetes
/// refuses is refused here with the reason (<c>1K</c>, <c>1 Gi</c>, <c>1gi</c>), and so is what it accepts but no
/// engine can take as a byte count: more than <see cref="long.MaxValue"/> bytes (8 EiB), and milli-bytes.
/// </summary>
public static class ByteQuantity
{
    private static readonly (string Suffix, BigInteger Factor)[] Suffixes =
    [
        ("Ki", BigInteger.Pow(1024, 1)), ("Mi", BigInteger.Pow(1024, 2)), ("Gi", BigInteger.Pow(1024, 3)),
        ("Ti", BigInteger.Pow(1024, 4)), ("Pi", BigInteger.Pow(1024, 5)), ("Ei", BigInteger.Pow(1024, 6)),
        ("k", BigInteger.Pow(1000, 1)), ("M", BigInteger.Pow(1000, 2)), ("G", BigInteger.Pow(1000, 3)),
        ("T", BigInteger.Pow(1000, 4)), ("P", BigInteger.Pow(1000, 5)), ("E", BigInteger.Pow(1000, 6)),
    ];

    /// <summary>Longer than any quantity a person writes: refused before any arithmetic.</summary>
    private const int MaxLength = 64;

    /// <summary>The bytes a quantity stands for, or the reason it is not one.</summary>
    public static bool TryParse(string text, out long bytes, out string error)
    {
        bytes = 0;
        error = "";
        if (text.Length == 0 || text.Length > MaxLength)
        {
            error = "is not a quantity";
            return false;
        }
        var digits = 0;
        while (digits < text.Length && (char.IsAsciiDigit(text[digits]) || text[digits] == '.'))
        {
            digits++;
        }
        var number = text[..digits];
        var suffix = text[digits..];
        if (number.Length == 0 || number.Count(c => c == '.') > 1 || number.StartsWith('.') || number.EndsWith('.'))
        {
            error = text.StartsWith('-') ? "is negative" : "does not start with a number";
            return false;
        }
        BigInteger numerator = BigInteger.Parse(number.Replace(".", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        var denominator = BigInteger.Pow(10, number.Contains('.', StringComparison.Ordinal) ? number.Length - number.IndexOf('.') - 1 : 0);
        if (suffix.Length > 1 && suffix[0] is 'e' or 'E' && int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent))
        {
            if (exponent is < -30 or > 30)
            {
                error = "has an exponent beyond ±30";
                return false;
            }
            if (exponent >= 0)
            {
                numerator *= BigInteger.Pow(10, exponent);
            }
            else
            {
                denominator *= BigInteger.Pow(10, -exponent);
            }
        }
        else if (suffix.Length > 0)
        {
            var known = Suffixes.FirstOrDefault(s => s.Suffix == suffix);
            if (known.Suffix is null)
            {
                error = suffix switch
                {
                    "K" => "uses 'K': Kubernetes writes kilo as 'k' (1000) or 'Ki' (1024)",
                    "m" => "is in milli-bytes ('m'); write bytes, such as 512Mi",
                    _ when suffix.StartsWith(' ') => "has a space before its unit; write it as 16Gi",
                    _ => $"has the unit '{suffix}', which is not one of Ki Mi Gi Ti Pi Ei (1024) or k M G T P E (1000)",
                };
                return false;
            }
            numerator *= known.Factor;
        }
        var value = BigInteger.DivRem(numerator, denominator, out var remainder) + (remainder.IsZero ? 0 : 1);
        if (value > long.MaxValue)
        {
            error = "is more than 8 EiB (2^63 bytes)";
            return false;
        }
        bytes = (long)value;
        return true;
    }

    public static bool IsValid(string text) => TryParse(text, out _, out _);

    /// <summary>The bytes of a quantity that was validated when it was read.</summary>
    public static long BytesOf(string text) =>
        TryParse(text, out var bytes, out var error) ? bytes : throw new FormatException($"'{text}' {error}");
}
