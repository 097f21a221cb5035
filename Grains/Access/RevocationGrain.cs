using Collab.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;

namespace Collab.Access;

/// <summary>Holds the cluster's revocations and tells every gateway of a new one.</summary>
internal sealed partial class RevocationGrain(
    [PersistentState("revocations", StorageNames.Collab)] IPersistentState<RevocationState> state,
    IOptions<RealtimeOptions> realtime,
    TimeProvider clock,
    ILogger<RevocationGrain> logger) : Grain, IRevocationGrain
{
    /// <summary>No token lives longer than this (the gateway refuses longer-lived dev tokens too).</summary>
    private static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromDays(7);

    private readonly ObserverManager<IRevocationObserver> _gateways = new(realtime.Value.ObserverExpiry, logger);

    public async Task<Revocation> RevokeAsync(string userId)
    {
        var now = clock.GetUtcNow();
        state.State.IssuedBefore[userId] = now;
        foreach (var stale in state.State.IssuedBefore.Where(r => r.Value < now - MaxTokenLifetime).Select(r => r.Key).ToList())
        {
            state.State.IssuedBefore.Remove(stale);
        }

        await state.WriteStateAsync();
        var revocation = new Revocation(userId, now);
        await _gateways.Notify(g => g.OnRevokedAsync(revocation));
        LogRevoked(logger, _gateways.Count);
        return revocation;
    }

    public Task<IReadOnlyList<Revocation>> ListAsync() => Task.FromResult(Current());

    public Task<IReadOnlyList<Revocation>> SubscribeAsync(IRevocationObserver observer)
    {
        _gateways.Subscribe(observer, observer);
        return Task.FromResult(Current());
    }

    private IReadOnlyList<Revocation> Current()
    {
        var since = clock.GetUtcNow() - MaxTokenLifetime;
        return state.State.IssuedBefore.Where(r => r.Value >= since).Select(r => new Revocation(r.Key, r.Value)).ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A user's tokens were revoked; {Gateways} gateways told")]
    private static partial void LogRevoked(ILogger logger, int gateways);
}
