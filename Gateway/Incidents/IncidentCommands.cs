using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Collab.Common;
using Collab.Gateway.Wire;
using Collab.Incidents;

namespace Collab.Gateway.Incidents;

/// <summary>
/// The incident commands as REST (<see cref="IncidentApi"/>) and the hub (<see cref="Realtime.CollabHub"/>)
/// both take them: the same input checks, the same grain call, the caller's view or a
/// <see cref="CommandError"/> that each transport words its own way (a problem, a hub error).
/// </summary>
public static class IncidentCommands
{
    public static async Task<Outcome<IncidentView>> ReportAsync(IGrainFactory grains, Actor actor, ReportRequest? request, string? idempotencyKey)
    {
        if (IdempotencyKeys.Check(idempotencyKey) is { } badKey) return badKey;
        if (request is null) return BodyRequired;
        if (string.IsNullOrEmpty(request.Category))
        {
            return CommandError.Invalid("unknown-category", "'category' is required.");
        }

        if (request.Location is not { Lat: { } lat, Lon: { } lon } location)
        {
            return CommandError.Invalid("location-required", "'location' with 'lat' and 'lon' is required.");
        }

        var severity = Severity.Medium;
        if (request.Severity is not null && !WireFormat.TryParse(request.Severity, out severity))
        {
            return CommandError.Invalid("unknown-severity", "'severity' must be one of low, medium, high, critical.");
        }

        if (request.Language is not null && !Languages.IsValid(request.Language))
        {
            return CommandError.Invalid("language-invalid", $"'{request.Language}' is not a BCP 47 language tag.");
        }

        var id = IdempotencyKeys.IncidentId(actor, idempotencyKey);
        var outcome = await Grain(grains, id).ReportAsync(new ReportIncident(
            idempotencyKey,
            actor,
            request.Category!,
            request.Description ?? "",
            new GeoPoint(lat, lon, location.AccuracyM),
            severity,
            request.Language ?? actor.Language,
            request.Attributes));
        if (outcome.Value is { } reported)
        {
            KnownTo(grains).Add(reported.Id);
        }

        return outcome;
    }

    public static Task<Outcome<IncidentView>> AddNoteAsync(IGrainFactory grains, Actor actor, string? id, NoteRequest? request, string? idempotencyKey)
    {
        if (request is null) return Refused(BodyRequired);
        if (!WireFormat.TryParse<NoteVisibility>(request.Visibility, out var visibility))
        {
            return Refused(CommandError.Invalid("unknown-visibility", "'visibility' must be one of public, authorities, police."));
        }

        if (request.Language is not null && !Languages.IsValid(request.Language))
        {
            return Refused(CommandError.Invalid("language-invalid", $"'{request.Language}' is not a BCP 47 language tag."));
        }

        return OnIncidentAsync(grains, actor, id, idempotencyKey, (grain, key) =>
            grain.AddNoteAsync(new AddNote(key, actor, request.Text ?? "", visibility, request.Language ?? actor.Language)));
    }

    public static Task<Outcome<IncidentView>> ChangeStatusAsync(IGrainFactory grains, Actor actor, string? id, StatusRequest? request, string? idempotencyKey)
    {
        if (request is null) return Refused(BodyRequired);
        return WireFormat.TryParse<IncidentStatus>(request.Status, out var status)
            ? OnIncidentAsync(grains, actor, id, idempotencyKey, (grain, key) => grain.ChangeStatusAsync(new ChangeStatus(key, actor, status, request.Reason)))
            : Refused(CommandError.Invalid("unknown-status", "'status' must be one of reported, acknowledged, dispatched, resolved, closed, rejected, duplicate."));
    }

    public static Task<Outcome<IncidentView>> AssignAsync(IGrainFactory grains, Actor actor, string? id, AssignRequest? request, string? idempotencyKey) =>
        request is null
            ? Refused(BodyRequired)
            : OnIncidentAsync(grains, actor, id, idempotencyKey, (grain, key) => grain.AssignAsync(new AssignUnit(key, actor, request.Unit ?? "")));

    public static Task<Outcome<IncidentView>> ModerateAsync(IGrainFactory grains, Actor actor, string? id, ModerationRequest? request, string? idempotencyKey)
    {
        if (request is null) return Refused(BodyRequired);
        if (CheckEventId(request.EventId) is { } invalid) return Refused(invalid);
        if (!WireFormat.TryParse<ModerationAction>(request.Action, out var action))
        {
            return Refused(CommandError.Invalid("unknown-action", "'action' must be hide or restore."));
        }

        return OnIncidentAsync(grains, actor, id, idempotencyKey, (grain, key) =>
            grain.ModerateAsync(new ModerateNote(key, actor, request.EventId!, action, request.Reason ?? "")));
    }

    public static Task<Outcome<IncidentView>> FlagAsync(IGrainFactory grains, Actor actor, string? id, FlagRequest? request, string? idempotencyKey)
    {
        if (request is null) return Refused(BodyRequired);
        return CheckEventId(request.EventId) is { } invalid
            ? Refused(invalid)
            : OnIncidentAsync(grains, actor, id, idempotencyKey, (grain, key) => grain.FlagAsync(new FlagNote(key, actor, request.EventId!, request.Reason)));
    }

    /// <summary>
    /// The grain of an incident that exists, else null (a malformed id, or one never reported). The
    /// directory answers from storage, so an unknown id activates nothing. An incident this gateway
    /// knows (every command's after the first) is answered at once, with nothing allocated for it.
    /// </summary>
    public static ValueTask<IIncidentGrain?> FindAsync(IGrainFactory grains, string? id)
    {
        if (!WireFormat.TryParseId(id, out var key)) return ValueTask.FromResult<IIncidentGrain?>(null);
        var known = KnownTo(grains);
        return known.Contains(key) ? ValueTask.FromResult<IIncidentGrain?>(Grain(grains, key)) : LookUpAsync(grains, key, known);
    }

    private static async ValueTask<IIncidentGrain?> LookUpAsync(IGrainFactory grains, string key, KnownIncidents known)
    {
        if (!(await Directory(grains).ExistsAsync([key]))[0]) return null;
        known.Add(key);
        return Grain(grains, key);
    }

    /// <summary>Of <paramref name="ids"/> (well-formed, at most <see cref="IIncidentDirectory.MaxIds"/>), the ones that exist, in order.</summary>
    public static async Task<IReadOnlyList<string>> ExistingAsync(IGrainFactory grains, IReadOnlyList<string> ids)
    {
        var known = KnownTo(grains);
        var unsure = ids.Where(id => !known.Contains(id)).ToList();
        if (unsure.Count > 0)
        {
            var exists = await Directory(grains).ExistsAsync(unsure);
            foreach (var found in unsure.Where((_, i) => exists[i]))
            {
                known.Add(found);
            }
        }

        return ids.Where(known.Contains).ToList();
    }

    /// <summary>
    /// Incidents this gateway has seen exist, per cluster it talks to (each has its own grain
    /// factory). Incidents are never deleted, so a known id needs no directory call: commands and
    /// reads of live incidents cost no extra round trip; only ids not seen yet are looked up.
    /// </summary>
    private static readonly ConditionalWeakTable<IGrainFactory, KnownIncidents> Known = new();

    private static KnownIncidents KnownTo(IGrainFactory grains) => Known.GetValue(grains, _ => new KnownIncidents());

    /// <summary>
    /// Grain references of the incidents this gateway commands, per cluster. Orleans' GetGrain
    /// resolves the interface's grain type by reflection on every call (a measurable share of a
    /// command's CPU); a reference is immutable and reusable. Bounded: past
    /// 20,000 the cache starts afresh.
    /// </summary>
    private static readonly ConditionalWeakTable<IGrainFactory, IncidentReferences> References = new();

    private static IIncidentGrain Grain(IGrainFactory grains, string id) =>
        References.GetValue(grains, g => new IncidentReferences(g)).Get(id);

    private sealed class IncidentReferences(IGrainFactory grains)
    {
        private const int MaxReferences = 20_000;
        private ConcurrentDictionary<string, IIncidentGrain> _references = new(StringComparer.Ordinal);
        private int _added;

        public IIncidentGrain Get(string id)
        {
            var references = _references;
            if (references.TryGetValue(id, out var grain))
            {
                return grain;
            }

            grain = grains.GetGrain<IIncidentGrain>(id);
            // Counted here: the dictionary's Count would take every one of its locks.
            if (references.TryAdd(id, grain) && Interlocked.Increment(ref _added) >= MaxReferences)
            {
                _references = new(StringComparer.Ordinal);
                Interlocked.Exchange(ref _added, 0);
            }

            return grain;
        }
    }

    private static IIncidentDirectory Directory(IGrainFactory grains) => grains.GetGrain<IIncidentDirectory>(0);

    public static CommandError UnknownIncident { get; } = CommandError.NotFound("incident-not-found", "No such incident.");

    /// <summary>
    /// What every command on an existing incident shares: a usable idempotency key, a well-formed
    /// id, the call, and the grain's answer.
    /// </summary>
    private static async Task<Outcome<IncidentView>> OnIncidentAsync(
        IGrainFactory grains, Actor actor, string? id, string? idempotencyKey,
        Func<IIncidentGrain, string?, Task<Outcome<IncidentView>>> command)
    {
        if (IdempotencyKeys.Check(idempotencyKey) is { } badKey) return badKey;
        if (await FindAsync(grains, id) is not { } grain) return UnknownIncident;
        return await command(grain, idempotencyKey);
    }

    private static CommandError BodyRequired { get; } = CommandError.Invalid("body-required", "The command needs a body.");

    private static Task<Outcome<IncidentView>> Refused(CommandError error) => Task.FromResult(Outcome<IncidentView>.Fail(error));

    private static CommandError? CheckEventId(string? eventId) =>
        string.IsNullOrWhiteSpace(eventId) || eventId.Length > 64
            ? CommandError.Invalid("eventId-required", "'eventId' names the event that added the note.")
            : null;
}
