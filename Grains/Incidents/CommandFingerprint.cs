using System.Security.Cryptography;
using System.Text.Json;
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
    public static string Of(ReportIncident c) =>
        Hash("report", c.Category, c.Description, c.Location.Lat, c.Location.Lon, c.Location.AccuracyM, c.Severity.ToString(), c.Language);

    public static string Of(AddNote c) => Hash("note", c.Text, c.Visibility.ToString(), c.Language);

    public static string Of(ChangeStatus c) => Hash("status", c.Status.ToString(), c.Reason);

    public static string Of(AssignUnit c) => Hash("assign", c.Unit);

    public static string Of(ModerateNote c) => Hash("moderate", c.EventId, c.Action.ToString(), c.Reason);

    public static string Of(FlagNote c) => Hash("flag", c.EventId, c.Reason);

    /// <summary>
    /// The fingerprint is taken before the command's checks, so a non-finite coordinate (JSON's
    /// <c>1e999</c>) must hash rather than throw and let the checks refuse it. Finite numbers are
    /// written as before, so remembered fingerprints still match.
    /// </summary>
    private static readonly JsonSerializerOptions Options = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>A JSON array of the fields keeps them apart unambiguously (no separator a text could contain), null apart from empty.</summary>
    private static string Hash(params object?[] fields) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(fields, Options)).AsSpan(0, 16));
}
