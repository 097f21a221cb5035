using System.Buffers;
using System.Text.Json;
using Collab.Alerts;
using Collab.Citizens;
using Collab.Gateway.Localization;
using Collab.Incidents;
using Collab.Realtime;

namespace Collab.Gateway.Wire;

/// <summary>
/// Maps a grain's <see cref="StreamEvent"/> to the wire envelope. Done once per event and group,
/// never per connection. The data becomes an <see cref="EventPayload"/>: serialized once, then
/// copied with the group's translations spliced in, and written as it is by both hub protocols
/// and REST.
/// </summary>
public static class EnvelopeMapper
{
    private static readonly JsonWriterOptions OutputOptions = new() { Encoder = WireFormat.EventData.Encoder, SkipValidation = true };

    /// <summary>
    /// The envelope for readers of <paramref name="language"/>: category, status and severity names
    /// in the data's <c>incident</c>, a status change's <c>fromName</c> and <c>toName</c> and a
    /// reporter's notification <c>message</c> in that language (<paramref name="texts"/>) and, for
    /// alerts, the headline and description of the best matching translation. Called once per
    /// (stream, audience, language) group, never per connection.
    /// </summary>
    public static EventEnvelope Map(StreamEvent e, string language, Translations texts) =>
        new(e.Stream, e.Seq, e.Id, e.Type, WireFormat.Time(e.OccurredAt), ActorDto.From(e.Actor), Render(e.Data, language, texts), e.Exercise);

    /// <summary>This thread's buffers and writers for the serialized data and the spliced copy (rendering never awaits).</summary>
    [ThreadStatic]
    private static Scratch? t_scratch;

    private static EventPayload Render(EventData data, string language, Translations texts)
    {
        var scratch = t_scratch ??= new Scratch();
        var json = scratch.Serialize(data);
        var writer = scratch.Output();
        var reader = new Utf8JsonReader(json);
        reader.Read();
        new Splicer(writer, data, language, texts).Copy(json, ref reader, Part.Data);
        writer.Flush();
        var payload = new EventPayload(scratch.Spliced.ToArray());
        if (scratch.Large)
        {
            // A rare large event (an alert in many languages) does not pin its buffers to the thread.
            t_scratch = null;
        }

        return payload;
    }

    private sealed class Scratch
    {
        private readonly ArrayBufferWriter<byte> _serialized = new(1024);
        private readonly ArrayBufferWriter<byte> _spliced = new(1024);
        private readonly Utf8JsonWriter _serializer;
        private readonly Utf8JsonWriter _splicer;

        public Scratch()
        {
            _serializer = new Utf8JsonWriter(_serialized, new JsonWriterOptions { Encoder = WireFormat.EventData.Encoder });
            _splicer = new Utf8JsonWriter(_spliced, OutputOptions);
        }

        public ReadOnlySpan<byte> Spliced => _spliced.WrittenSpan;

        public bool Large => _serialized.Capacity + _spliced.Capacity > 128 * 1024;

        public ReadOnlySpan<byte> Serialize(EventData data)
        {
            _serialized.ResetWrittenCount();
            _serializer.Reset();
            JsonSerializer.Serialize(_serializer, data, data.GetType(), WireFormat.EventData);
            _serializer.Flush();
            return _serialized.WrittenSpan;
        }

        public Utf8JsonWriter Output()
        {
            _spliced.ResetWrittenCount();
            _splicer.Reset();
            return _splicer;
        }
    }

    private enum Part { Data, Incident, Alert }

    /// <summary>
    /// Copies serialized data token by token, leaving out the fields it adds (a translation replaces
    /// whatever the data had under that name) and writing them before each object closes.
    /// </summary>
    private readonly struct Splicer(Utf8JsonWriter writer, EventData source, string language, Translations texts)
    {
        /// <summary>An incident's names always come from its codes, in the group's language.</summary>
        private static readonly string[] IncidentNames = ["categoryName", "statusName", "severityName"];
        private static readonly string[] AlertNames = ["textLanguage", "headline", "description"];
        private static readonly string[] StatusChangeNames = ["fromName", "toName"];
        private static readonly string[] NotificationNames = ["message"];

        /// <summary>Copies the object the reader (over <paramref name="json"/>) is at, its <c>StartObject</c>; the reader ends at its <c>EndObject</c>.</summary>
        public void Copy(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, Part part)
        {
            var added = part switch
            {
                Part.Incident => IncidentNames,
                Part.Alert => AlertNames,
                _ => source switch
                {
                    StatusChangedData => StatusChangeNames,
                    CitizenNotification n when texts.Notification(n.Kind, n.Status, language) is not null => NotificationNames,
                    _ => [],
                },
            };
            string? category = null, status = null, severity = null;
            writer.WriteStartObject();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (IsAny(ref reader, added))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                var nested = part == Part.Data
                    ? reader.ValueTextEquals("incident"u8) ? Part.Incident
                    : reader.ValueTextEquals("alert"u8) && source is AlertIssuedData ? Part.Alert
                    : Part.Data
                    : Part.Data;
                var code = part == Part.Incident
                    ? reader.ValueTextEquals("category"u8) ? 1 : reader.ValueTextEquals("status"u8) ? 2 : reader.ValueTextEquals("severity"u8) ? 3 : 0
                    : 0;
                WriteName(ref reader);
                reader.Read();
                if (nested != Part.Data && reader.TokenType == JsonTokenType.StartObject)
                {
                    Copy(json, ref reader, nested);
                    continue;
                }

                if (code != 0 && reader.TokenType == JsonTokenType.String)
                {
                    switch (code)
                    {
                        case 1: category = reader.GetString(); break;
                        case 2: status = reader.GetString(); break;
                        default: severity = reader.GetString(); break;
                    }
                }

                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                writer.WriteRawValue(json[start..(int)reader.BytesConsumed], skipInputValidation: true);
            }

            switch (part)
            {
                case Part.Incident:
                    AddIncidentNames(category, status, severity);
                    break;
                case Part.Alert:
                    AddAlertText(((AlertIssuedData)source).Alert);
                    break;
                default:
                    AddDataNames();
                    break;
            }

            writer.WriteEndObject();
        }

        private void AddIncidentNames(string? category, string? status, string? severity)
        {
            if (category is not null)
            {
                writer.WriteString("categoryName", texts.CategoryName(category, language));
            }

            if (status is not null && WireFormat.TryParse<IncidentStatus>(status, out var s))
            {
                writer.WriteString("statusName", texts.StatusName(s, language));
            }

            if (severity is not null && WireFormat.TryParse<Severity>(severity, out var v))
            {
                writer.WriteString("severityName", texts.SeverityName(v, language));
            }
        }

        private void AddDataNames()
        {
            if (source is StatusChangedData changed)
            {
                writer.WriteString("fromName", texts.StatusName(changed.From, language));
                writer.WriteString("toName", texts.StatusName(changed.To, language));
            }

            if (source is CitizenNotification notification && texts.Notification(notification.Kind, notification.Status, language) is { } message)
            {
                writer.WriteString("message", message);
            }
        }

        private void AddAlertText(AlertView alert)
        {
            var (textLanguage, text) = Translation(alert, language);
            writer.WriteString("textLanguage", textLanguage);
            writer.WriteString("headline", text.Headline);
            writer.WriteString("description", text.Description);
        }

        private void WriteName(ref Utf8JsonReader reader)
        {
            if (reader.ValueIsEscaped)
            {
                writer.WritePropertyName(reader.GetString()!);
            }
            else
            {
                writer.WritePropertyName(reader.ValueSpan);
            }
        }

        private static bool IsAny(ref Utf8JsonReader reader, string[] names)
        {
            foreach (var name in names)
            {
                if (reader.ValueTextEquals(name))
                {
                    return true;
                }
            }

            return false;
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
}
