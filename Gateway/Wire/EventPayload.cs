using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using MessagePack;
using MessagePack.Formatters;

namespace Collab.Gateway.Wire;

/// <summary>
/// An envelope's <c>data</c> as one group reads it: the event's data, translated, as UTF-8 JSON
/// rendered once (<see cref="EnvelopeMapper"/>). JSON writers (the hub's JSON protocol, REST) copy
/// it as it is; MessagePack writes the same document as maps and arrays. It replaced plain
/// dictionaries, which cost a parse of the serialized data into boxed values and a second,
/// polymorphic serialization of them for every group.
/// </summary>
[JsonConverter(typeof(AsJson))]
[MessagePackFormatter(typeof(AsMessagePack))]
public sealed class EventPayload(byte[] utf8)
{
    public ReadOnlyMemory<byte> Utf8 { get; } = utf8;

    public override string ToString() => System.Text.Encoding.UTF8.GetString(Utf8.Span);

    private sealed class AsJson : JsonConverter<EventPayload>
    {
        public override EventPayload Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Event data is written, never read.");

        public override void Write(Utf8JsonWriter writer, EventPayload value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
    }

    private sealed class AsMessagePack : IMessagePackFormatter<EventPayload?>
    {
        public EventPayload Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
            throw new NotSupportedException("Event data is written, never read.");

        public void Serialize(ref MessagePackWriter writer, EventPayload? value, MessagePackSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNil();
                return;
            }

            using var document = JsonDocument.Parse(value.Utf8);
            Write(ref writer, document.RootElement);
        }

        /// <summary>Numbers as the dictionaries had them: integers as integers, anything else as a double.</summary>
        private static void Write(ref MessagePackWriter writer, JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteMapHeader(element.GetPropertyCount());
                    foreach (var field in element.EnumerateObject())
                    {
                        writer.Write(field.Name);
                        Write(ref writer, field.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    writer.WriteArrayHeader(element.GetArrayLength());
                    foreach (var item in element.EnumerateArray())
                    {
                        Write(ref writer, item);
                    }

                    break;
                case JsonValueKind.String:
                    writer.Write(element.GetString());
                    break;
                case JsonValueKind.Number when element.TryGetInt64(out var whole):
                    writer.Write(whole);
                    break;
                case JsonValueKind.Number:
                    writer.Write(element.GetDouble());
                    break;
                case JsonValueKind.True:
                    writer.Write(true);
                    break;
                case JsonValueKind.False:
                    writer.Write(false);
                    break;
                default:
                    writer.WriteNil();
                    break;
            }
        }
    }
}
