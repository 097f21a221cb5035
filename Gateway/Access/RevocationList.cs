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

    public void Connected(string userId, HubCallerContext context) =>
        _connections.GetOrAdd(userId, _ => new(StringComparer.Ordinal))[context.ConnectionId] = context;

    public void Disconnected(string userId, string connectionId)
    {
        if (_connections.TryGetValue(userId, out var mine))
        {
            mine.TryRemove(connectionId, out _);
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
            foreach (var context in open.Values)
            {
                context.Abort();
            }

            LogClosed(logger, open.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} hub connections of a revoked user")]
    private static partial void LogClosed(ILogger logger, int count);
}
