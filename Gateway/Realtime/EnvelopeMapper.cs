using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Collab.Common;
using Collab.Realtime;

namespace Collab.Gateway.Realtime;

/// <summary>
/// Maps a grain's <see cref="StreamEvent"/> to the wire envelope. Done once per event and group,
/// never per connection. The data becomes plain dictionaries so both hub protocols and REST
/// render the same camelCase document.
/// </summary>
public static class EnvelopeMapper
{
    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public static EventEnvelope Map(StreamEvent e) => new(
        e.Stream,
        e.Seq,
        e.Id,
        e.Type,
        FormatTime(e.OccurredAt),
        new ActorDto(RoleName(e.Actor.Role), e.Actor.Name),
        ToPlain(JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), Json))!);

    public static string FormatTime(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string RoleName(ActorRole role) => role.ToString().ToLowerInvariant();

    public static string AudienceName(Audience audience) => audience.ToString().ToLowerInvariant();

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.Converters.Add(new UtcTimeConverter());
        return options;
    }

    /// <summary>Every time in an event's data is written like <c>occurredAt</c>: ISO 8601 UTC, milliseconds, "Z".</summary>
    private sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(FormatTime(value));
    }

    private static object? ToPlain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => ToPlain(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
