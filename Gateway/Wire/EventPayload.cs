using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MessagePack;
using MessagePack.Formatters;

namespace Collab.Gateway.Wire;

/// <summary>
/// An envelope's <c>data</c> as one group reads it: the event's data, translated, rendered once.
/// JSON writers (the hub's JSON protocol, REST) copy its UTF-8 as it is; MessagePack writes the
/// same document as maps and arrays. It replaced plain dictionaries, which cost a parse of the
/// serialized data into boxed values and a second, polymorphic serialization of them per group.
/// </summary>
[JsonConverter(typeof(AsJson))]
[MessagePackFormatter(typeof(AsMessagePack))]
public sealed class EventPayload
{
    private readonly JsonObject _document;
    private byte[]? _utf8;

    internal EventPayload(JsonObject document) => _document = document;

    /// <summary>The document as UTF-8 JSON, rendered on first use (a group only MessagePack clients read never renders it).</summary>
    public ReadOnlyMemory<byte> Utf8 => _utf8 ??= Render(_document);

    public override string ToString() => System.Text.Encoding.UTF8.GetString(Utf8.Span);

    private static byte[] Render(JsonObject document)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = WireFormat.EventData.Encoder, SkipValidation = true }))
        {
            document.WriteTo(writer, WireFormat.EventData);
        }

        return buffer.WrittenSpan.ToArray();
    }

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

            Write(ref writer, value._document);
        }

        /// <summary>Numbers as the dictionaries had them: integers as integers, anything else as a double.</summary>
        private static void Write(ref MessagePackWriter writer, JsonNode? node)
        {
            switch (node)
            {
                case null:
                    writer.WriteNil();
                    break;
                case JsonObject fields:
                    writer.WriteMapHeader(fields.Count);
                    foreach (var (name, field) in fields)
                    {
                        writer.Write(name);
                        Write(ref writer, field);
                    }

                    break;
                case JsonArray items:
                    writer.WriteArrayHeader(items.Count);
                    foreach (var item in items)
                    {
                        Write(ref writer, item);
                    }

                    break;
                default:
                    var value = node.AsValue();
                    switch (value.GetValueKind())
                    {
                        case JsonValueKind.String:
                            writer.Write(value.GetValue<string>());
                            break;
                        case JsonValueKind.Number when value.TryGetValue<long>(out var whole):
                            writer.Write(whole);
                            break;
                        case JsonValueKind.Number:
                            writer.Write(value.GetValue<double>());
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

                    break;
            }
        }
    }
}
