using Beacon.Layers.Validation;

namespace Beacon.Layers.Tests.Validation;

/// <summary>Schedules are checked field by field with their ranges and steps, not only counted.</summary>
public class CronScheduleTests
{
    [Theory]
    [InlineData("30 22 * * 1-5")]
    [InlineData("*/15 * * * *")]
    [InlineData("@daily")]
    [InlineData("@hourly")]
    [InlineData("0,15,30,45 */2 1-15/2 JAN-jun mon-FRI")]
    [InlineData("0 0 ? * 0,7")]
    [InlineData("59 23 31 12 7")]
    public void Valid(string schedule) => Assert.Null(CronSchedule.Check(schedule));

    [Theory]
    [InlineData("61 25 32 13 8", "minute '61': '61' is not a value from 0 to 59")]
    [InlineData("0 25 * * *", "hour '25': '25' is not a value from 0 to 23")]
    [InlineData("0 0 32 * *", "day of month '32'")]
    [InlineData("0 0 * 13 *", "month '13'")]
    [InlineData("0 0 * * 8", "day of week '8'")]
    [InlineData("a b c d e", "minute 'a'")]
    [InlineData("*/0 * * * *", "minute '*/0': the step must be a whole number from 1 to 59")]
    [InlineData("5-1 * * * *", "minute '5-1': the range '5-1' runs backwards")]
    [InlineData("0 6 1 * * *", "five fields")]
    [InlineData("every day", "five fields")]
    [InlineData("@fortnightly", "not one of the macros")]
    [InlineData("? * * * *", "minute '?'")]
    [InlineData("1,,2 * * * *", "an empty item")]
    public void Invalid(string schedule, string expected) => Assert.Contains(expected, CronSchedule.Check(schedule), StringComparison.Ordinal);
}
