using System.Text.Json;
using System.Text.Json.Serialization;

namespace Collab.Realtime;

/// <summary>How the grains write and read the JSON payloads of the event log.</summary>
internal static class EventLogJson
{
    /// <summary>Enums by name, so reordering an enum cannot change what a stored row means; nulls left out.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };
}
