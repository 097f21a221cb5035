using System.Collections.Concurrent;
using Collab.Access;
using Microsoft.AspNetCore.SignalR;

namespace Collab.Gateway.Access;

/// <summary>
/// This gateway's copy of the cluster's revocations, and its live hub connections by user, so a
/// revocation closes that user's connections here at once and refuses their old tokens from then on.
/// </summary>
public sealed partial class RevocationList(IGrainFactory grains, ILogger<RevocationList> logger) : IRevocationObserver
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _issuedBefore = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubCallerContext>> _connections = new(StringComparer.Ordinal);
    private readonly Lock _referenceLock = new();
    private IRevocationObserver? _reference;

    /// <summary>True when a token of <paramref name="userId"/> issued at <paramref name="issuedAt"/> was revoked.</summary>
    public bool IsRevoked(string userId, DateTimeOffset? issuedAt) =>
        _issuedBefore.TryGetValue(userId, out var before) && (issuedAt is null || issuedAt <= before);

    /// <summary>
    /// Records a hub connection of <paramref name="userId"/>, unless the user already holds
    /// <paramref name="max"/> here; then nothing is recorded and the answer is false.
    /// </summary>
    public bool TryConnect(string userId, HubCallerContext context, int max)
    {
        while (true)
        {
            var mine = _connections.GetOrAdd(userId, _ => new(StringComparer.Ordinal));
            lock (mine)
            {
                // Emptied and dropped by a disconnect (or a revocation) meanwhile: take the current one.
                if (!_connections.TryGetValue(userId, out var current) || !ReferenceEquals(current, mine))
                {
                    continue;
                }

                if (mine.Count >= max)
                {
                    return false;
                }

                mine[context.ConnectionId] = context;
                return true;
            }
        }
    }

    public void Disconnected(string userId, string connectionId)
    {
        if (_connections.TryGetValue(userId, out var mine))
        {
            lock (mine)
            {
                // A user with no connection here is forgotten, or every user ever connected would stay.
                if (mine.TryRemove(connectionId, out _) && mine.IsEmpty)
                {
                    _connections.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, HubCallerContext>>(userId, mine));
                }
            }
        }
    }

    public Task OnRevokedAsync(Revocation revocation)
    {
        Apply(revocation);
        return Task.CompletedTask;
    }

    /// <summary>Registers (or renews) with the cluster and takes the current list.</summary>
    public async Task SyncAsync()
    {
        IRevocationObserver reference;
        lock (_referenceLock)
        {
            reference = _reference ??= grains.CreateObjectReference<IRevocationObserver>(this);
        }

        foreach (var revocation in await grains.GetGrain<IRevocationGrain>(IRevocationGrain.Key).SubscribeAsync(reference))
        {
            Apply(revocation);
        }
    }

    private void Apply(Revocation revocation)
    {
        _issuedBefore.AddOrUpdate(revocation.UserId, revocation.IssuedBefore, (_, old) => old > revocation.IssuedBefore ? old : revocation.IssuedBefore);
        if (_connections.TryRemove(revocation.UserId, out var open))
        {
            // Under its lock: a connection being recorded either lands here and is closed, or finds the list gone.
            lock (open)
            {
                foreach (var context in open.Values)
                {
                    context.Abort();
                }

                LogClosed(logger, open.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} hub connections of a revoked user")]
    private static partial void LogClosed(ILogger logger, int count);
}
