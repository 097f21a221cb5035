using System.Text.Json;
using System.Text.Json.Serialization;

namespace Collab.Federation;

/// <summary>The JSON of the federation API between cities (batches, answers) and of outbox log rows: camelCase, enums by camelCase name.</summary>
public static class FederationJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };
}
