using MessagePack;

namespace Collab.Gateway.Wire;

/// <summary>This gateway is draining: reconnect (to any gateway) after about <see cref="AfterMs"/> and re-subscribe with each stream's last <c>seq</c>.</summary>
[MessagePackObject]
public sealed record ReconnectNotice(
    [property: Key("afterMs")] int AfterMs);
