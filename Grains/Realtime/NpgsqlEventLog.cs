using Npgsql;
using NpgsqlTypes;

namespace Collab.Realtime;

/// <summary>
/// The event log in PostgreSQL (<c>collab_event_log</c>). One multi-row INSERT per command, so a
/// command's events are stored all or none; UNIQUE(stream, seq) turns a second writer of the same
/// sequence number into <see cref="StreamConflictException"/>.
/// </summary>
public sealed class NpgsqlEventLog(NpgsqlDataSource dataSource) : IEventLog
{
    public bool IsDurable => true;

    public async Task AppendAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO collab_event_log (stream, seq, event_id, event_type, occurred_at, payload)
            SELECT * FROM unnest(@stream, @seq, @event_id, @event_type, @occurred_at, @payload)
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]>("stream", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { TypedValue = [.. events.Select(e => e.Stream)] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("seq", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. events.Select(e => e.Seq)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>("event_id", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { TypedValue = [.. events.Select(e => e.EventId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>("event_type", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { TypedValue = [.. events.Select(e => e.Type)] });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("occurred_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. events.Select(e => e.OccurredAt.UtcDateTime)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>("payload", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = [.. events.Select(e => e.Payload)] });
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new StreamConflictException(
                $"Stream '{events[0].Stream}' already has an event at seq {events[0].Seq}..{events[^1].Seq} or one of these event ids; another activation wrote first.", ex);
        }
    }

    public async Task<IReadOnlyList<LoggedEvent>> ReadAsync(string stream, long afterSeq, int max, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT seq, event_id, event_type, occurred_at, payload::text
            FROM collab_event_log
            WHERE stream = @stream AND seq > @after
            ORDER BY seq
            LIMIT @max
            """);
        command.Parameters.AddWithValue("stream", stream);
        command.Parameters.AddWithValue("after", afterSeq);
        command.Parameters.AddWithValue("max", max);
        var events = new List<LoggedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new LoggedEvent(
                stream,
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetString(4)));
        }

        return events;
    }

    public async Task EraseActorAsync(string stream, string userId, string replacementActorJson, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            UPDATE collab_event_log
            SET payload = (payload - 'key') || jsonb_build_object('actor', @actor::jsonb)
            WHERE stream = @stream AND payload -> 'actor' ->> 'userId' = @user
            """);
        command.Parameters.AddWithValue("stream", stream);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("actor", replacementActorJson);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteStreamAsync(string stream, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM collab_event_log WHERE stream = @stream");
        command.Parameters.AddWithValue("stream", stream);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
