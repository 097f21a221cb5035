using Collab.Common;
using Collab.Realtime;

namespace Collab.Incidents;

/// <summary>
/// The incident's personal data over its life: the reporter revealed to police (on record first),
/// the audit trail, a citizen's erasure (here and at partners), and an exercise's purge.
/// </summary>
internal sealed partial class IncidentGrain
{
    public async Task<Outcome<ReporterView>> RevealReporterAsync(Actor actor, string reason)
    {
        if (!S.Reported) return Unreported(NoSuchIncident);
        if (IncidentRules.CheckReveal(actor, reason) is { } refused) return refused;

        // The read is on record before anything is shown.
        await AuditAsync(actor, "reporter.revealed", reason);
        return Outcome<ReporterView>.Ok(R.Erased
            ? new ReporterView(null, WellKnownActors.FormerResidentName, Erased: true)
            : new ReporterView(R.UserId, R.Name));
    }

    public Task<Outcome<IReadOnlyList<AuditEntry>>> GetAuditAsync(Actor actor) =>
        Task.FromResult(!S.Reported ? Unreported(NoSuchIncident)
            : IncidentRules.CheckAuditRead(actor) is { } refused ? refused
            : Outcome<IReadOnlyList<AuditEntry>>.Ok(audit.State.Entries.ToList()));

    public async Task EraseCitizenAsync(string userId)
    {
        if (!S.Reported)
        {
            Unreported(NoSuchIncident);
            return;
        }

        // The stream first: it erases the log, which a fresh activation would restore the user from.
        var changed = await Stream.EraseActorAsync(userId, WellKnownActors.FormerResident);
        if (R.UserId == userId)
        {
            R.Erase();
            await reporter.WriteStateAsync();
        }

        if (S.EraseUser(userId, WellKnownActors.FormerResident) || changed)
        {
            await SnapshotAsync();
        }

        if (R.Erased)
        {
            // Partners that received this incident anonymise it too (a retry records nothing twice).
            await federation.ShareErasureAsync(IncidentId, S, audience => Projection.View(audience, isOwnReport: false), clock.GetUtcNow());
        }
    }

    public async Task PurgeExerciseAsync(string exerciseId)
    {
        if (!S.Reported || S.Exercise != exerciseId)
        {
            Unreported(NoSuchIncident);
            return;
        }

        // Partners that took part forget it first (a retried purge records nothing twice).
        await federation.ShareExercisePurgeAsync(IncidentId, S, audience => Projection.View(audience, isOwnReport: false), clock.GetUtcNow());
        await eventLog.DeleteStreamAsync(StreamNames.OfIncident(IncidentId).ToString());
        await audit.ClearStateAsync();
        await reporter.ClearStateAsync();
        await state.ClearStateAsync();
        // Gone: the deactivation below must not write what was purged back as a snapshot.
        _unsaved = 0;
        LogPurged(logger, IncidentId, exerciseId);
        DeactivateOnIdle();
    }

    private Task AuditAsync(Actor actor, string action, string? detail)
    {
        audit.State.Add(new AuditEntry(clock.GetUtcNow(), actor.Role, actor.UserId, action, detail));
        return audit.WriteStateAsync();
    }

}
