using Collab.Citizens;
using Collab.Common;
using Collab.Neighbourhoods;
using Microsoft.Extensions.Logging;

namespace Collab.Incidents;

/// <summary>
/// Tells others of an incident's stored changes: its neighbourhood (the summary, exact and
/// blurred) and its reporter (their own reports and <c>me</c> notifications). Best effort: the
/// incident's change is stored whatever happens here, and a failure is logged, not thrown.
/// </summary>
internal sealed partial class IncidentNotifier(string incidentId, IGrainFactory grains, NeighbourhoodFeed neighbourhoods, ILogger logger)
{
    public async Task TellNeighbourhoodAsync(string slug, IncidentChange change)
    {
        try
        {
            await neighbourhoods.SendAsync(slug, change);
        }
        catch (Exception ex)
        {
            // The neighbourhood catches up with the incident's next change, which carries its whole summary.
            LogFailed(logger, ex, incidentId, "neighbourhood");
        }
    }

    /// <summary>Calls the reporter's grain, if a citizen reported the incident and has not erased their data.</summary>
    public async Task TellReporterAsync(ReporterState reporter, Func<ICitizenGrain, Task> call)
    {
        if (reporter.Role != ActorRole.Citizen || reporter.Erased || reporter.UserId is not { Length: > 0 } userId)
        {
            return;
        }

        try
        {
            await call(grains.GetGrain<ICitizenGrain>(userId));
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, incidentId, "citizen");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {IncidentId}: telling the {Target} grain failed; it will catch up")]
    private static partial void LogFailed(ILogger logger, Exception exception, string incidentId, string target);
}
