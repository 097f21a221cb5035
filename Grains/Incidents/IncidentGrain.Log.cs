using Microsoft.Extensions.Logging;

namespace Collab.Incidents;

internal sealed partial class IncidentGrain
{
    // Per-command logs are Debug: at thousands of commands a second they cost more than the
    // command (the console logger takes a lock per line), and the timeline and audit trail
    // already record every event.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Incident {IncidentId} reported ({Category}) in {Neighbourhood}")]
    private static partial void LogReported(ILogger logger, string incidentId, string category, string neighbourhood);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Incident {IncidentId} moved from {From} to {To}")]
    private static partial void LogStatusChanged(ILogger logger, string incidentId, IncidentStatus from, IncidentStatus to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {IncidentId}: offering changes to partners failed; the next command or activation offers them again")]
    private static partial void LogShareFailed(ILogger logger, Exception exception, string incidentId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Incident {IncidentId}: {EventType}")]
    private static partial void LogModerated(ILogger logger, string incidentId, string eventType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {IncidentId} of exercise {ExerciseId} purged")]
    private static partial void LogPurged(ILogger logger, string incidentId, string exerciseId);
}
