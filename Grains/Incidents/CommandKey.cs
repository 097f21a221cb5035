using Collab.Common;

namespace Collab.Incidents;

/// <summary>
/// A command's idempotency key as one incident sees it: the record kept with the events the command
/// produces (<see cref="IncidentState.KeyRecord"/>: the caller, the key and the command's
/// <see cref="CommandFingerprint"/>) and what the incident already remembers of that key. A command
/// without a key has no record and is always new: nothing is fingerprinted, recalled or remembered.
/// </summary>
internal readonly record struct CommandKey(string? Record, KeyRecall Recall)
{
    private static CommandKey None => new(null, KeyRecall.New);

    public static CommandKey Of(IncidentState state, ReportIncident c) => Of(state, c.Actor, c.IdempotencyKey, c, CommandFingerprint.Of);

    public static CommandKey Of(IncidentState state, AddNote c) => Of(state, c.Actor, c.IdempotencyKey, c, CommandFingerprint.Of);

    public static CommandKey Of(IncidentState state, ChangeStatus c) => Of(state, c.Actor, c.IdempotencyKey, c, CommandFingerprint.Of);

    public static CommandKey Of(IncidentState state, AssignUnit c) => Of(state, c.Actor, c.IdempotencyKey, c, CommandFingerprint.Of);

    public static CommandKey Of(IncidentState state, ModerateNote c) => Of(state, c.Actor, c.IdempotencyKey, c, CommandFingerprint.Of);

    public static CommandKey Of(IncidentState state, FlagNote c) => Of(state, c.Actor, c.IdempotencyKey, c, CommandFingerprint.Of);

    /// <summary>
    /// What the command answers before its checks: a retry (same key, same command) is answered by
    /// <paramref name="replay"/>, the view as it is now; a key used before for another command is
    /// refused; null for a new command, which goes on.
    /// </summary>
    public Outcome<T>? Answer<T>(Func<Outcome<T>> replay) => Recall switch
    {
        KeyRecall.Same => replay(),
        KeyRecall.Different => IncidentRules.KeyReused,
        _ => null,
    };

    private static CommandKey Of<TCommand>(IncidentState state, Actor actor, string? idempotencyKey, TCommand command, Func<TCommand, string> fingerprintOf)
    {
        if (idempotencyKey is null)
        {
            return None;
        }

        var fingerprint = fingerprintOf(command);
        return new(IncidentState.KeyRecord(actor.UserId, idempotencyKey, fingerprint), state.Recall(actor.UserId, idempotencyKey, fingerprint));
    }
}
