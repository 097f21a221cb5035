namespace Collab.Federation;

/// <summary>
/// A mutual-aid note: police of a partner city add an <c>authorities</c> note to an incident this
/// city shared with them. Also the JSON body of <c>POST /federation/v1/incidents/{id}/notes</c>.
/// <see cref="Id"/> is the partner's idempotency key for it (the same note sent again adds nothing);
/// <see cref="AuthorName"/> the officer's display name if their token has one (shown to police only).
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.PartnerNote")]
public sealed record PartnerNote(
    [property: Id(0)] string Id,
    [property: Id(1)] string Text,
    [property: Id(2)] string Language,
    [property: Id(3)] string? AuthorName);
