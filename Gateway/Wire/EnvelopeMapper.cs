using System.Text.Json;
using System.Text.Json.Nodes;
using Collab.Alerts;
using Collab.Citizens;
using Collab.Gateway.Localization;
using Collab.Incidents;
using Collab.Realtime;

namespace Collab.Gateway.Wire;

/// <summary>
/// Maps a grain's <see cref="StreamEvent"/> to the wire envelope. Done once per event and group,
/// never per connection. The data becomes an <see cref="EventPayload"/>, which both hub protocols
/// and REST render as the same camelCase document.
/// </summary>
public static class EnvelopeMapper
{
    /// <summary>
    /// The envelope for readers of <paramref name="language"/>: category, status and severity names
    /// and a reporter's notification in that language (<paramref name="texts"/>) and, for alerts, the
    /// headline and description of the best matching translation. Called once per (stream,
    /// audience, language) group, never per connection.
    /// </summary>
    public static EventEnvelope Map(StreamEvent e, string language, Translations texts)
    {
        // The serialized data stays as it was written; only the objects translation touches are opened.
        var data = JsonSerializer.SerializeToNode(e.Data, e.Data.GetType(), WireFormat.EventData)!.AsObject();
        Localize(e.Data, data, language, texts);
        return new(e.Stream, e.Seq, e.Id, e.Type, WireFormat.Time(e.OccurredAt), ActorDto.From(e.Actor), new EventPayload(data), e.Exercise);
    }

    private static void Localize(EventData source, JsonObject data, string language, Translations texts)
    {
        if (data["incident"] is JsonObject incident)
        {
            if (Text(incident, "category") is { } code)
            {
                incident["categoryName"] = texts.CategoryName(code, language);
            }

            if (Text(incident, "status") is { } status && WireFormat.TryParse<IncidentStatus>(status, out var s))
            {
                incident["statusName"] = texts.StatusName(s, language);
            }

            if (Text(incident, "severity") is { } severity && WireFormat.TryParse<Severity>(severity, out var v))
            {
                incident["severityName"] = texts.SeverityName(v, language);
            }
        }

        if (source is StatusChangedData changed)
        {
            data["fromName"] = texts.StatusName(changed.From, language);
            data["toName"] = texts.StatusName(changed.To, language);
        }

        if (source is CitizenNotification notification && texts.Notification(notification.Kind, notification.Status, language) is { } message)
        {
            data["message"] = message;
        }

        if (source is AlertIssuedData { Alert: var alert } && data["alert"] is JsonObject fields)
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

    private static string? Text(JsonObject fields, string name) =>
        fields[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
