using Collab.Common;
using Collab.Gateway.Access;
using Collab.Gateway.Auth;
using Collab.Gateway.Incidents;
using Collab.Gateway.Localization;
using Collab.Gateway.Operations;
using Collab.Gateway.Security;
using Collab.Gateway.Wire;
using Collab.Incidents;
using Collab.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Realtime;

/// <summary>
/// <c>/hubs/collab</c>: thin by design. Authorization of each stream is the router's; ordering,
/// replay and fan-out are <see cref="LiveStreams"/>'. Incident commands are also taken here, for
/// clients that issue many (a dispatch console): the same commands as REST, through
/// <see cref="IncidentCommands"/>, without a request and a token check per command.
/// Only callers the default policy admits connect (<c>RequireAuthorization</c> where it is mapped);
/// methods that need more name their policy with <see cref="HubPolicyAttribute"/>.
/// </summary>
public sealed class CollabHub : Hub<ICollabClient>
{
    private readonly LiveStreams _streams;
    private readonly StreamRouter _router;
    private readonly RevocationList _revocations;
    private readonly IGrainFactory _grains;

    private readonly IOptions<SecurityOptions> _security;
    private readonly HubConnections _connections;
    private readonly CollabMetrics _metrics;
    private readonly GatewayDrain _drain;
    private readonly Translations _texts;

    public CollabHub(LiveStreams streams, StreamRouter router, RevocationList revocations, IGrainFactory grains, IOptions<SecurityOptions> security,
        HubConnections connections, CollabMetrics metrics, GatewayDrain drain, Translations texts)
    {
        _texts = texts;
        _drain = drain;
        _connections = connections;
        _metrics = metrics;
        _streams = streams;
        _router = router;
        _revocations = revocations;
        _grains = grains;
        _security = security;
    }

    /// <summary>
    /// Records the connection, unless its user already holds the most this gateway allows: then it
    /// is closed with a hub error (SignalR tells the client not to reconnect) and nothing else of it
    /// is kept. The user's other connections are unaffected. A connection that slips in as the
    /// gateway starts draining is told to reconnect elsewhere at once.
    /// </summary>
    public override async Task OnConnectedAsync()
    {
        var max = _security.Value.MaxConnectionsPerUser;
        if (!_revocations.TryConnect(Caller.Of(Context).UserId, Context, max))
        {
            throw new HubException($"too-many-connections: At most {max} live connections per user; close one first.");
        }

        _connections.Opened(Context.ConnectionId);
        if (_drain.IsDraining)
        {
            await Clients.Caller.Reconnect(_drain.Notice());
        }

        await base.OnConnectedAsync();
    }

    /// <summary>Replays the caller's view after <paramref name="afterSeq"/> (nothing when null), then goes live.</summary>
    public async Task<SubscribeResult> Subscribe(string stream, long? afterSeq)
    {
        var caller = Caller.Of(Context);
        var (route, error) = _router.Resolve(stream, caller);
        if (route is null)
        {
            throw new HubException(error);
        }

        if (afterSeq is < 0)
        {
            throw new HubException("'afterSeq' must not be negative.");
        }

        // An incident never reported is refused like a misspelling, before its grain is activated.
        if (route.Source.Kind == StreamNames.Incident && await IncidentCommands.FindAsync(_grains, route.Source.Key) is null)
        {
            throw new HubException("Unknown stream.");
        }

        return await _streams.SubscribeAsync(Context.ConnectionId, route, caller.Language, afterSeq);
    }

    /// <summary>Stops the caller's subscription to <paramref name="stream"/>; unknown streams are ignored.</summary>
    public async Task Unsubscribe(string stream)
    {
        var (route, _) = _router.Resolve(stream, Caller.Of(Context));
        if (route is not null)
        {
            await _streams.UnsubscribeAsync(Context.ConnectionId, route.Source);
        }
    }

    /// <summary>As <c>POST /api/incidents</c>; the answer is the caller's view of the new incident.</summary>
    [HubPolicy(Roles.Reporters)]
    public Task<IncidentResponse> Report(ReportRequest? request, string? idempotencyKey) =>
        CommandAsync("ReportIncident", actor => IncidentCommands.ReportAsync(_grains, actor, request, idempotencyKey));

    /// <summary>As <c>POST /api/incidents/{id}/notes</c>.</summary>
    [HubPolicy(Roles.Reporters)]
    public Task<IncidentResponse> AddNote(string? incidentId, NoteRequest? request, string? idempotencyKey) =>
        CommandAsync("AddNote", actor => IncidentCommands.AddNoteAsync(_grains, actor, incidentId, request, idempotencyKey));

    /// <summary>As <c>POST /api/incidents/{id}/status</c>.</summary>
    [HubPolicy(Roles.Authorities)]
    public Task<IncidentResponse> ChangeStatus(string? incidentId, StatusRequest? request, string? idempotencyKey) =>
        CommandAsync("ChangeStatus", actor => IncidentCommands.ChangeStatusAsync(_grains, actor, incidentId, request, idempotencyKey));

    /// <summary>As <c>POST /api/incidents/{id}/assign</c>.</summary>
    [HubPolicy(Roles.PoliceOnly)]
    public Task<IncidentResponse> Assign(string? incidentId, AssignRequest? request, string? idempotencyKey) =>
        CommandAsync("AssignUnit", actor => IncidentCommands.AssignAsync(_grains, actor, incidentId, request, idempotencyKey));

    /// <summary>
    /// Runs a command as the caller; a refusal becomes a <see cref="HubException"/> whose message
    /// starts with the same stable code REST puts in its problem (<c>unknown-status: ...</c>).
    /// Counted in <c>collab.commands</c> under the name of the REST endpoint it mirrors.
    /// </summary>
    private async Task<IncidentResponse> CommandAsync(string name, Func<Actor, Task<Outcome<IncidentView>>> command)
    {
        var caller = Caller.Of(Context);
        if (_streams.Overloaded)
        {
            // Admission control, as on REST: nothing is changed; the client retries with its key.
            _metrics.Shed(CommandChannels.Hub);
            throw new HubException($"{AdmissionFilter.Code}: {AdmissionFilter.Detail}");
        }

        Outcome<IncidentView> outcome;
        try
        {
            outcome = await command(caller.Actor);
        }
        catch (Exception ex)
        {
            _metrics.Command(name, CommandChannels.Hub, ex is HubException ? CommandOutcomes.Refused : CommandOutcomes.Failed);
            throw;
        }

        if (outcome.Error is { } error)
        {
            _metrics.Command(name, CommandChannels.Hub, CommandOutcomes.Refused, error.Exercise is not null);
            throw new HubException($"{error.Code}: {error.Message}");
        }

        _metrics.Command(name, CommandChannels.Hub, CommandOutcomes.Ok, outcome.Value!.Exercise is not null);
        return outcome.Value!.ToResponse(caller.Language, _texts);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        _connections.Closed(Context.ConnectionId);
        await _streams.DisconnectAsync(Context.ConnectionId);
        _revocations.Disconnected(Caller.Of(Context).UserId, Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }
}
