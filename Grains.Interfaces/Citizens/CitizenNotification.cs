using Collab.Incidents;
using Collab.Realtime;

namespace Collab.Citizens;

/// <summary>
/// Data of <c>me.notification</c>, e.g. "your report was acknowledged". <see cref="Kind"/> is a
/// stable code (<c>report.received</c>, <c>report.status_changed</c>, <c>report.assigned</c>,
/// <c>report.note_added</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.CitizenNotification")]
public sealed record CitizenNotification(
    [property: Id(0)] string SourceEventId,
    [property: Id(1)] string Kind,
    [property: Id(2)] string IncidentId,
    [property: Id(3)] IncidentStatus Status,
    [property: Id(4)] string Message) : EventData;
