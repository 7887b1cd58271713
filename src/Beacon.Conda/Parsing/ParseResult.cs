using System.Diagnostics.CodeAnalysis;

namespace Beacon.Conda.Parsing;

/// <summary>Why a string could not be parsed, and where (0-based offset into the input).</summary>
public sealed record ParseError(string Message, int Position = 0)
{
    public override string ToString() => Message;
}

/// <summary>A parse outcome: the value, or an error as data (parsers never throw on user input).</summary>
public readonly record struct ParseResult<T>(T? Value, ParseError? Error)
    where T : class
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Error is null;

    public static ParseResult<T> Ok(T value) => new(value, null);
    public static ParseResult<T> Fail(string message, int position = 0) => new(null, new ParseError(message, position));
    public static ParseResult<T> Fail(ParseError error) => new(null, error);

    /// <summary>For callers that have already validated the input (tests, constants): throws on failure.</summary>
    public T Unwrap() => Success ? Value : throw new FormatException(Error.Message);
}
