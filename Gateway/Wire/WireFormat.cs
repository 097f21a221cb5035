using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Collab.Gateway.Wire;

/// <summary>
/// How the gateway writes values on the wire, in REST, in both hub protocols and in event data:
/// times as ISO 8601 UTC with milliseconds and "Z", enum members in kebab-case
/// (<c>Acknowledged</c> → <c>acknowledged</c>). Every name and time the gateway writes comes from here.
/// </summary>
public static class WireFormat
{
    /// <summary>The one naming policy of enum members, whether written by hand or by a JSON serializer.</summary>
    public static JsonNamingPolicy EnumNaming { get; } = JsonNamingPolicy.KebabCaseLower;

    /// <summary>Event data as it is mapped into envelopes: web defaults, enum names and times as above.</summary>
    public static JsonSerializerOptions EventData { get; } = CreateEventDataOptions();

    /// <summary>The length of a time on the wire: <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    private const int TimeLength = 24;

    public static string Time(DateTimeOffset at) =>
        string.Create(TimeLength, at.UtcDateTime, static (chars, utc) => WriteTime(utc, chars));

    /// <summary>
    /// <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, milliseconds truncated as the custom format's <c>fff</c> does,
    /// written digit by digit: every answer and event carries a time or two, and a custom format
    /// string is parsed again on each use.
    /// </summary>
    private static void WriteTime(DateTime utc, Span<char> chars)
    {
        utc.Deconstruct(out var year, out var month, out var day);
        Digits(chars[..4], year);
        chars[4] = '-';
        Digits(chars[5..7], month);
        chars[7] = '-';
        Digits(chars[8..10], day);
        chars[10] = 'T';
        Digits(chars[11..13], utc.Hour);
        chars[13] = ':';
        Digits(chars[14..16], utc.Minute);
        chars[16] = ':';
        Digits(chars[17..19], utc.Second);
        chars[19] = '.';
        Digits(chars[20..23], utc.Millisecond);
        chars[23] = 'Z';
    }

    private static void Digits(Span<char> chars, int value)
    {
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            chars[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }

    /// <summary>An id on the wire is a GUID in its <c>D</c> form; returns it normalized (lower case).</summary>
    public static bool TryParseId([NotNullWhen(true)] string? text, [NotNullWhen(true)] out string? id)
    {
        // Already in its normal form (as every id Collab hands out is): the caller's string, not a copy.
        id = !Guid.TryParseExact(text, "D", out var guid) ? null
            : text.Length == 36 && !text.AsSpan().ContainsAnyInRange('A', 'F') ? text : guid.ToString("D");
        return id is not null;
    }

    public static string Name<T>(T value) where T : struct, Enum => EnumNames<T>.ByValue[value];

    /// <summary>Parses an enum member's wire name exactly as written; numbers and other spellings are refused.</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        if (text is not null && EnumNames<T>.ByName.TryGetValue(text, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>REST bodies: enum names as above; numbers only as JSON numbers.</summary>
    public static void ConfigureHttp(JsonSerializerOptions options)
    {
        options.Converters.Add(EnumConverter());
        options.NumberHandling = JsonNumberHandling.Strict;
        // {"text":"x","text":"y"}: a proxy or filter that reads the first and a server that takes the
        // last disagree on what was sent; a body that says two things is malformed.
        options.AllowDuplicateProperties = false;
    }

    /// <summary>Hub messages in the JSON protocol: enum names as above; absent values are left out.</summary>
    public static void ConfigureHub(JsonSerializerOptions options)
    {
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(EnumConverter());
        options.AllowDuplicateProperties = false;
    }

    private static JsonStringEnumConverter EnumConverter() => new(EnumNaming);

    private static JsonSerializerOptions CreateEventDataOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(EnumConverter());
        options.Converters.Add(new TimeConverter());
        return options;
    }

    private static class EnumNames<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ByValue =
            Enum.GetValues<T>().Distinct().ToFrozenDictionary(v => v, v => EnumNaming.ConvertName(v.ToString()));

        public static readonly FrozenDictionary<string, T> ByName =
            ByValue.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }

    private sealed class TimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        {
            // As Time(value), without the string: events carry a time or two each, every one rendered per group.
            Span<char> chars = stackalloc char[TimeLength];
            WriteTime(value.UtcDateTime, chars);
            writer.WriteStringValue(chars);
        }
    }
}
