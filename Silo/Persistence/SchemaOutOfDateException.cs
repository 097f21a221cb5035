namespace Collab.Silo.Persistence;

/// <summary>The database's schema is older than this build needs; the message says how to fix it.</summary>
public sealed class SchemaOutOfDateException(int current, int expected)
    : Exception(
        $"The PostgreSQL schema (ConnectionStrings:Collab) is at version {current}, but this silo needs version {expected}. " +
        "Run `dotnet run --project Silo -- migrate` (or `Collab.Silo migrate` in a container) with the same configuration, then start the silo again.")
{
    public int CurrentVersion { get; } = current;

    public int ExpectedVersion { get; } = expected;
}
