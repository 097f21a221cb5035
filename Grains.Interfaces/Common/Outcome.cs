namespace Collab.Common;

/// <summary>The result of a grain command or query: a value, or the error that refused it.</summary>
[GenerateSerializer, Immutable, Alias("collab.Outcome`1")]
public sealed record Outcome<T>(
    [property: Id(0)] T? Value,
    [property: Id(1)] CommandError? Error)
{
    public bool IsOk => Error is null;

    public static Outcome<T> Ok(T value) => new(value, null);

    public static Outcome<T> Fail(CommandError error) => new(default, error);

    public static implicit operator Outcome<T>(CommandError error) => Fail(error);
}
