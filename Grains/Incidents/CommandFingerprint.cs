using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Collab.Common;

namespace Collab.Incidents;

/// <summary>
/// What makes a command the command it is, hashed: its kind and every field a client sends, but not
/// its key nor the actor (the key is already scoped by user id; a renewed token with another display
/// name or language still retries the same command). Remembered with the key so the same key with
/// another command is refused instead of answered as if it had been done.
/// </summary>
internal static class CommandFingerprint
{
    /// <summary>A report without attributes hashes as before they existed, so keys remembered then still match.</summary>
    public static string Of(ReportIncident c) => c.Attributes is not { Count: > 0 } attributes
        ? Hash("report", c.Category, c.Description, c.Location.Lat, c.Location.Lon, c.Location.AccuracyM, c.Severity.ToString(), c.Language)
        : Hash("report", c.Category, c.Description, c.Location.Lat, c.Location.Lon, c.Location.AccuracyM, c.Severity.ToString(), c.Language,
            attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new[] { a.Key, a.Value }).ToArray());

    public static string Of(AddNote c) => Hash("note", c.Text, c.Visibility.ToString(), c.Language);

    public static string Of(ChangeStatus c) => Hash("status", c.Status.ToString(), c.Reason);

    public static string Of(AssignUnit c) => Hash("assign", c.Unit);

    public static string Of(ModerateNote c) => Hash("moderate", c.EventId, c.Action.ToString(), c.Reason);

    public static string Of(FlagNote c) => Hash("flag", c.EventId, c.Reason);

    /// <summary>
    /// Any number a client can send, infinities included (JSON's <c>1e999</c> reads as one): the
    /// fingerprint is taken before the command's checks, which then refuse it.
    /// </summary>
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>A JSON array of the fields keeps them apart unambiguously (no separator a text could contain), null apart from empty.</summary>
    private static string Hash(params object?[] fields) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(fields, Json)).AsSpan(0, 16));
}
