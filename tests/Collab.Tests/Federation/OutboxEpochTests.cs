using Collab.Common;
using Collab.Federation;
using Collab.Hosting;
using Collab.Incidents;
using Collab.Realtime;
using Collab.Tests.City;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Collab.Tests.Federation;

/// <summary>
/// In memory mode a partner outbox writes its snapshot every 100 events, every 2 s and on
/// deactivation, not on every change. An activation that ended without that last snapshot may have
/// numbered events the snapshot does not hold; the next activation must not number other events
/// with the same seqs in the same epoch (the partner would take them for duplicates and drop them):
/// it starts a new epoch. An activation that ended cleanly continues its epoch.
/// </summary>
public sealed class OutboxEpochTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false, "a new epoch: the last activation may have numbered events its snapshot lacks")]
    [InlineData(true, "the same epoch: the last activation ended with its snapshot")]
    public async Task AnOutboxStartsANewEpochExactlyWhenItsLastActivationEndedWithoutItsSnapshot(bool clean, string expected)
    {
        await using var city = await EmbeddedCity.StartAsync([]);
        var (epoch, head) = await ActivateFromAsync(city, $"city-{clean}", clean);

        Assert.True(clean == (epoch == "epoch-stored"), $"Expected {expected}; the outbox answered epoch {epoch}.");
        Assert.Equal(3, head);
    }

    /// <summary>Stores an outbox snapshot of three events as a previous activation left it, then asks the outbox for its epoch and head.</summary>
    private static async Task<(string Epoch, long? Head)> ActivateFromAsync(EmbeddedCity city, string partner, bool clean)
    {
        var grains = city.Services.GetRequiredService<IGrainFactory>();
        var outbox = grains.GetGrain<IPartnerLinkGrain>(partner);
        var storage = city.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Collab);
        var stored = new PartnerLinkState { Epoch = "epoch-stored", DeliveredThrough = 1, Clean = clean };
        for (var i = 1; i <= 3; i++)
        {
            var incident = new SharedIncident($"i-{i}", "city-a", Audience.Public, "noise", "Loud", IncidentStatus.Reported, Severity.Low,
                new GeoPoint(52.07, 4.28, 100), true, "centrum", "nl", At, At, null, []);
            stored.Timeline.Append(EventTypes.PartnerIncidentUpdated, WellKnownActors.Platform, Audience.Public,
                new SharedChange($"e-{i}", EventTypes.IncidentReported, At, incident), At, 100);
        }

        await storage.WriteStateAsync("partner-link", outbox.GetGrainId(), new GrainState<PartnerLinkState>(stored));

        var batch = await outbox.ReadAsync(0, 10);
        Assert.Equal([1L, 2, 3], batch.Events.Select(e => e.Seq));
        return (batch.Epoch, batch.Head);
    }
}
