namespace Collab.Access;

/// <summary>Implemented once by each gateway: told of every revocation, so it can close live connections at once.</summary>
[Alias("collab.IRevocationObserver")]
public interface IRevocationObserver : IGrainObserver
{
    [OneWay, Alias("OnRevoked")]
    Task OnRevokedAsync(Revocation revocation);
}
