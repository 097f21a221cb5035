using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Collab.Alerts;
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

    public static EventEnvelope Map(StreamEvent e) => Map(e, null);

    /// <summary>
    /// The envelope for readers of <paramref name="language"/>: category names in that language and,
    /// for alerts, the headline and description of the best matching translation. Called once per
    /// (stream, audience, language) group, never per connection.
    /// </summary>
    public static EventEnvelope Map(StreamEvent e, string? language)
    {
        var data = ToPlain(JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), Json))!;
        if (language is not null && data is Dictionary<string, object?> fields)
        {
            Localize(e.Data, fields, language);
        }

        return new(e.Stream, e.Seq, e.Id, e.Type, FormatTime(e.OccurredAt), new ActorDto(RoleName(e.Actor.Role), e.Actor.Name), data);
    }

    private static void Localize(EventData source, Dictionary<string, object?> data, string language)
    {
        if (data.GetValueOrDefault("incident") is Dictionary<string, object?> incident
            && incident.GetValueOrDefault("category") is string code
            && Categories.IsKnown(code))
        {
            incident["categoryName"] = Categories.Get(code).NameIn(language);
        }

        if (source is AlertIssuedData { Alert: var alert } && data.GetValueOrDefault("alert") is Dictionary<string, object?> fields)
        {
            var (textLanguage, text) = Translation(alert, language);
            fields["textLanguage"] = textLanguage;
            fields["headline"] = text.Headline;
            fields["description"] = text.Description;
        }
    }

    /// <summary>The reader's language, else its base language (nl for nl-BE), else the alert's own.</summary>
    private static (string Language, AlertText Text) Translation(AlertView alert, string language)
    {
        var baseLanguage = language.Split('-')[0];
        foreach (var candidate in new[] { language, baseLanguage })
        {
            foreach (var (tag, text) in alert.Texts)
            {
                if (string.Equals(tag, candidate, StringComparison.OrdinalIgnoreCase))
                {
                    return (tag, text);
                }
            }
        }

        return (alert.Language, alert.Texts[alert.Language]);
    }

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
