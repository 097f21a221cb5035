using System.Text.Json;
using Collab.Alerts;
using Collab.Citizens;
using Collab.Gateway.Localization;
using Collab.Incidents;
using Collab.Realtime;

namespace Collab.Gateway.Wire;

/// <summary>
/// Maps a grain's <see cref="StreamEvent"/> to the wire envelope. Done once per event and group,
/// never per connection. The data becomes plain dictionaries so both hub protocols and REST
/// render the same camelCase document.
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
        var data = ToPlain(JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), WireFormat.EventData))!;
        if (data is Dictionary<string, object?> fields)
        {
            Localize(e.Data, fields, language, texts);
        }

        return new(e.Stream, e.Seq, e.Id, e.Type, WireFormat.Time(e.OccurredAt), ActorDto.From(e.Actor), data, e.Exercise);
    }

    private static void Localize(EventData source, Dictionary<string, object?> data, string language, Translations texts)
    {
        if (data.GetValueOrDefault("incident") is Dictionary<string, object?> incident)
        {
            if (incident.GetValueOrDefault("category") is string code)
            {
                incident["categoryName"] = texts.CategoryName(code, language);
            }

            if (incident.GetValueOrDefault("status") is string status && WireFormat.TryParse<IncidentStatus>(status, out var s))
            {
                incident["statusName"] = texts.StatusName(s, language);
            }

            if (incident.GetValueOrDefault("severity") is string severity && WireFormat.TryParse<Severity>(severity, out var v))
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
