using System.Globalization;

namespace Beacon.Layers.Validation;

/// <summary>
/// A Kubernetes CronJob schedule, checked field by field: five fields (minute 0-59, hour 0-23, day of month 1-31,
/// month 1-12 or JAN-DEC, day of week 0-7 or SUN-SAT), each a list of <c>*</c>, a value, a range <c>a-b</c> (a ≤ b),
/// optionally <c>/step</c> (step ≥ 1); <c>?</c> stands for <c>*</c> in the day fields; or one of the @-macros.
/// </summary>
public static class CronSchedule
{
    private static readonly string[] Macros = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private sealed record Field(string Name, int Min, int Max, string[]? Names, bool AllowsQuestionMark);

    private static readonly Field[] Fields =
    [
        new("minute", 0, 59, null, false),
        new("hour", 0, 23, null, false),
        new("day of month", 1, 31, null, true),
        new("month", 1, 12, Months, false),
        new("day of week", 0, 7, Days, true),
    ];

    /// <summary>Null when the schedule is valid; otherwise which field is wrong and why.</summary>
    public static string? Check(string schedule)
    {
        var text = schedule.Trim();
        if (text.StartsWith('@'))
        {
            return Macros.Contains(text) ? null : $"'{text}' is not one of the macros {string.Join(", ", Macros)}";
        }
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5)
        {
            return $"a schedule has five fields (minute hour day-of-month month day-of-week), found {parts.Length}";
        }
        for (var i = 0; i < 5; i++)
        {
            if (CheckField(parts[i], Fields[i]) is { } problem)
            {
                return $"{Fields[i].Name} '{parts[i]}': {problem}";
            }
        }
        return null;
    }

    private static string? CheckField(string text, Field field)
    {
        foreach (var item in text.Split(','))
        {
            if (item.Length == 0)
            {
                return "an empty item in the list";
            }
            var range = item;
            var slash = item.IndexOf('/');
            if (slash >= 0)
            {
                range = item[..slash];
                if (!int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var step) || step < 1 || step > field.Max)
                {
                    return $"the step must be a whole number from 1 to {field.Max}";
                }
            }
            if (range == "*" || (range == "?" && field.AllowsQuestionMark && slash < 0))
            {
                continue;
            }
            var dash = range.IndexOf('-');
            var low = Value(dash < 0 ? range : range[..dash], field);
            var high = dash < 0 ? low : Value(range[(dash + 1)..], field);
            if (low is null || high is null)
            {
                return $"'{range}' is not a value from {field.Min} to {field.Max}{(field.Names is null ? "" : $" or {field.Names[0]}-{field.Names[^1]}")}";
            }
            if (low > high)
            {
                return $"the range '{range}' runs backwards";
            }
        }
        return null;
    }

    private static int? Value(string text, Field field)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n >= field.Min && n <= field.Max ? n : null;
        }
        var index = field.Names is null ? -1 : Array.FindIndex(field.Names, name => string.Equals(name, text, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : field.Names == Months ? index + 1 : index;
    }
}
