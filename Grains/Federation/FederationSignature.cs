using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Federation;

/// <summary>
/// The signature of a request between cities: <c>Authorization: CollabFederation &lt;JWS&gt;</c>, a
/// compact ES256 JWT whose header names the key (<c>kid</c>, RFC 7638) and whose claims bind it to
/// the sender (<c>iss</c>), the receiver (<c>aud</c>), a short life (<c>iat</c>, <c>exp</c>), the
/// request (<c>htm</c>, <c>htu</c>: method and path) and the exact body (<c>bsh</c>: base64url
/// SHA-256 of the bytes sent).
/// </summary>
public static class FederationSignature
{
    public const string Scheme = "CollabFederation";
    public const string TokenType = "collab-federation+jwt";
    public const string BodyHashClaim = "bsh";
    public const string MethodClaim = "htm";
    public const string PathClaim = "htu";

    /// <summary>Where a partner posts its batches (and what the signature's <c>htu</c> names).</summary>
    public const string EventsPath = "/federation/v1/events";

    /// <summary>Where police of a partner add a mutual-aid note to one of this city's incidents (<see cref="PartnerNote"/>).</summary>
    public const string NotesPathTemplate = "/federation/v1/incidents/{id}/notes";

    /// <summary>Where a partner reads back what this city shares with it: <c>{StreamsPath}/{its city id}?afterSeq=N&amp;limit=M</c>.</summary>
    public const string StreamsPath = "/federation/v1/streams";

    /// <summary>
    /// The path and query of a backfill request, as sent and as signed (<c>htu</c>): the query is part
    /// of what the signature covers, so a captured request cannot be replayed for other events.
    /// </summary>
    public static string NotesPath(string incidentId) => $"/federation/v1/incidents/{incidentId}/notes";

    public static string StreamRequest(string cityId, long afterSeq, int limit) => $"{StreamsPath}/{cityId}?afterSeq={afterSeq}&limit={limit}";

    public static string BodyHash(ReadOnlySpan<byte> body) => Base64UrlEncoder.Encode(SHA256.HashData(body));
}
