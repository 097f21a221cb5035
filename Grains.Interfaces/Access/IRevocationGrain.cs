namespace Collab.Access;

/// <summary>
/// The cluster's token revocations. Key: <see cref="Key"/> (one per cluster). Not on any hot path:
/// operators revoke, gateways load the list at start and are told of each revocation.
/// </summary>
[Alias("collab.IRevocationGrain")]
public interface IRevocationGrain : IGrainWithStringKey
{
    public const string Key = "cluster";

    /// <summary>Revokes every token of the user issued up to now; stored before it returns, then pushed to gateways.</summary>
    [Alias("Revoke")]
    Task<Revocation> RevokeAsync(string userId);

    /// <summary>Revocations still relevant (younger than the longest token lifetime).</summary>
    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<Revocation>> ListAsync();

    /// <summary>Registers or renews a gateway's observer; returns the current list.</summary>
    [Alias("Subscribe")]
    Task<IReadOnlyList<Revocation>> SubscribeAsync(IRevocationObserver observer);
}
