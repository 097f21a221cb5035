using System.Net;
using System.Text;
using System.Text.Json;
using Collab.Common;
using Collab.Federation;
using Collab.Incidents;
using Collab.Realtime;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Federation;

/// <summary>Two cities on loopback exchanging incidents: by policy, signed, in order, once, and repaired after an outage.</summary>
[Collection(TwoCitiesCollection.Name)]
public sealed class FederationTests
{
    private const string FromA = "partner:city-a";
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ASharedIncidentArrivesAtThePartnerAndIsPushedLiveToItsSubscribers()
    {
        await using var cities = await TwoCities.StartAsync();
        await using var police = await LiveClient.ConnectAsync(cities.B.Url, await cities.B.TokenAsync("police"));
        await using var citizen = await LiveClient.ConnectAsync(cities.B.Url, await cities.B.TokenAsync("citizen"));
        await police.SubscribeAsync(FromA);
        await citizen.SubscribeAsync(FromA);

        var id = await ReportAsync(cities.A, "vandalism");

        foreach (var client in new[] { police, citizen })
        {
            var e = await client.NextAsync(FromA, EventTypes.PartnerIncidentUpdated, Arrival);
            Assert.Equal((FromA, 1L), (e.Stream, e.Seq));
            Assert.Equal(id, e.Get("incident.id"));
            Assert.Equal("city-a", e.Get("incident.origin"));
            Assert.Equal(EventTypes.IncidentReported, e.Get("change"));
            Assert.Equal("Vandalism", e.Get("incident.categoryName"));
        }

        using var http = cities.B.Http(await cities.B.TokenAsync("council"));
        var incidents = await (await http.GetAsync("/api/partners/city-a/incidents")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(incidents.EnumerateArray()).Str("id"));

        // The link's health at the origin: nothing behind, a success, no error.
        using var operatorHttp = cities.A.Http(await cities.A.TokenAsync("operator"));
        var partner = Assert.Single((await (await operatorHttp.GetAsync("/api/partners")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal("city-b", partner.Str("cityId"));
        var outbound = partner.GetProperty("outbound");
        Assert.Equal(0, outbound.GetProperty("lag").GetInt64());
        Assert.Equal(1, outbound.GetProperty("deliveredThrough").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, outbound.GetProperty("lastSuccessAt").ValueKind);
    }

    [Fact]
    public async Task WhatThePolicyDoesNotShareNeverLeavesAndWhatItSharesIsThePublicViewOnly()
    {
        await using var cities = await TwoCities.StartAsync();
        var reporter = await cities.A.TokenAsync("citizen", sub: "reporter-sub-4711");
        var unsharedCategory = await ReportAsync(cities.A, "theft", token: reporter);
        var unsharedPlace = await ReportAsync(cities.A, "vandalism", lon: 4.305, token: reporter);
        var shared = await ReportAsync(cities.A, "noise", description: "Loud party, call me on ana.reporter@example.org", token: reporter);

        using var police = cities.A.Http(await cities.A.TokenAsync("police"));
        await AddNoteAsync(police, shared, "SECRET-POLICE-NOTE", "police");
        await AddNoteAsync(police, shared, "AUTHORITIES-ONLY-NOTE", "authorities");
        await AddNoteAsync(police, shared, "Officers are on their way", "public");
        (await police.PostJsonAsync($"/api/incidents/{shared}/assign", new { unit = "UNIT-SECRET-7" })).EnsureSuccessStatusCode();
        (await police.PostJsonAsync($"/api/incidents/{shared}/status", new { status = "acknowledged" })).EnsureSuccessStatusCode();

        // Reported, public note, status change: the police-only and authorities notes and the
        // assignment are not public changes, so they are not events for a public share.
        var incident = await WaitForAsync(cities.B, "police", list => list.FirstOrDefault(i => i.Str("id") == shared && i.Str("status") == "acknowledged"));
        Assert.Equal("city-a", incident.Str("origin"));
        Assert.Equal("public", incident.Str("audience"));
        Assert.True(incident.GetProperty("locationBlurred").GetBoolean());
        Assert.DoesNotContain("ana.reporter@example.org", incident.Str("description"));
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("assignedUnit").ValueKind);
        Assert.Equal("Officers are on their way", Assert.Single(incident.GetProperty("notes").EnumerateArray()).Str("text"));

        var wire = string.Join("\n", cities.A.Sent);
        Assert.NotEmpty(cities.A.Sent);
        Assert.DoesNotContain(unsharedCategory, wire);
        Assert.DoesNotContain(unsharedPlace, wire);
        foreach (var secret in new[] { "SECRET-POLICE-NOTE", "AUTHORITIES-ONLY-NOTE", "UNIT-SECRET-7", "reporter-sub-4711", "ana.reporter@example.org", "4.2811" })
        {
            Assert.DoesNotContain(secret, wire);
        }

        using var exact = await (await police.GetAsync($"/api/incidents/{shared}")).Content.ReadAsStreamAsync();
        Assert.Contains("4.2811", JsonDocument.Parse(exact).RootElement.GetProperty("location").GetRawText());
    }

    [Fact]
    public async Task ForgedDuplicatedAndReorderedBatchesChangeNothing()
    {
        await using var cities = await TwoCities.StartAsync();
        var a = TestCities.Signer("city-a", TestCities.Options(cities.A.Key, ("city-b", [cities.B.Key.PublicPem])));
        // The batches below stand for city A's outbox, whose epoch B also learns when it reads back from A (on a gap).
        var epoch = await OutboxEpochAsync(cities);
        FederatedBatch Batch(long from, long through, string description = "Shared") => FederationTests.Batch(epoch, from, through, description);
        var batch = Batch(1, 2);

        Assert.Equal(2, (await PostAsync(cities.B, a, batch)).GetProperty("applied").GetInt32());
        var again = await PostAsync(cities.B, a, batch);
        Assert.Equal((2L, 0), (again.GetProperty("appliedThrough").GetInt64(), again.GetProperty("applied").GetInt32()));

        // Ahead of what was applied: refused, with where to resume.
        var ahead = await PostAsync(cities.B, a, Batch(4, 5), HttpStatusCode.Conflict);
        Assert.Equal(2, ahead.GetProperty("appliedThrough").GetInt64());

        // Forged, misaddressed, stale or altered: 401, nothing applied.
        var body = Json(Batch(3, 3));
        var otherKey = TestCities.Signer("city-a", TestCities.Options(CityKey.New(), ("city-b", [cities.B.Key.PublicPem])));
        var stale = TestCities.Signer("city-a", TestCities.Options(cities.A.Key, ("city-b", [cities.B.Key.PublicPem])), new ShiftedClock(TimeSpan.FromMinutes(-10)));
        foreach (var (header, sentBody) in new[]
        {
            (otherKey.Sign("city-b", "POST", FederationSignature.EventsPath, body), body),
            (a.Sign("city-c", "POST", FederationSignature.EventsPath, body), body),
            (stale.Sign("city-b", "POST", FederationSignature.EventsPath, body), body),
            (a.Sign("city-b", "POST", FederationSignature.EventsPath, body), Json(Batch(3, 3, description: "Tampered"))),
            ((string?)null, body),
        })
        {
            using var response = await SendAsync(cities.B, header, sentBody);
            await response.ProblemAsync(HttpStatusCode.Unauthorized, "federation-signature-invalid");
        }

        // Nothing of those arrived: the stream holds the two events applied, and the next one continues it.
        await using var police = await LiveClient.ConnectAsync(cities.B.Url, await cities.B.TokenAsync("police"));
        Assert.Equal(2, (await police.SubscribeAsync(FromA, afterSeq: 0)).CurrentSeq);
        var next = await PostAsync(cities.B, a, Batch(3, 5));
        Assert.Equal((5L, 3), (next.GetProperty("appliedThrough").GetInt64(), next.GetProperty("applied").GetInt32()));
        var seqs = new List<long>();
        for (var i = 0; i < 5; i++) seqs.Add((await police.NextAsync(FromA, Arrival)).Seq);
        Assert.Equal([1, 2, 3, 4, 5], seqs);
    }

    [Fact]
    public async Task APartnerDownWhileTheOriginKeepsReportingReceivesEverythingInOrderOnceWhenBack()
    {
        await using var cities = await TwoCities.StartAsync();
        var before = await ReportAsync(cities.A, "vandalism");
        await WaitForAsync(cities.B, "police", list => list.FirstOrDefault(i => i.Str("id") == before));

        // B goes down, and comes back empty (memory storage): A's outbox must resend from its start.
        await cities.B.StopAsync();
        using var police = cities.A.Http(await cities.A.TokenAsync("police"));
        var reported = new List<string> { before };
        for (var i = 0; i < 6; i++)
        {
            var id = await ReportAsync(cities.A, i % 2 == 0 ? "noise" : "vandalism");
            reported.Add(id);
            (await police.PostJsonAsync($"/api/incidents/{id}/status", new { status = "acknowledged" })).EnsureSuccessStatusCode();
        }

        using var operatorHttp = cities.A.Http(await cities.A.TokenAsync("operator"));
        var outbound = await PollAsync(async () =>
        {
            var link = Assert.Single((await (await operatorHttp.GetAsync("/api/partners")).JsonAsync(HttpStatusCode.OK)).EnumerateArray()).GetProperty("outbound");
            return link.GetProperty("lastError").ValueKind == JsonValueKind.String ? link : (JsonElement?)null;
        });
        Assert.Equal(13, outbound.GetProperty("lag").GetInt64() + outbound.GetProperty("deliveredThrough").GetInt64());
        Assert.True(outbound.GetProperty("lag").GetInt64() >= 12);

        await cities.B.StartAsync();
        var all = await WaitForAsync(cities.B, "police", list => list.Count() == reported.Count ? list.First() : (JsonElement?)null, TimeSpan.FromSeconds(90));

        await using var live = await LiveClient.ConnectAsync(cities.B.Url, await cities.B.TokenAsync("police"));
        var subscribed = await live.SubscribeAsync(FromA, afterSeq: 0);
        Assert.Equal(13, subscribed.CurrentSeq);
        var events = new List<WireEvent>();
        for (var i = 0; i < 13; i++) events.Add(await live.NextAsync(FromA, Arrival));
        Assert.Equal(Enumerable.Range(1, 13).Select(i => (long)i), events.Select(e => e.Seq));
        Assert.Equal(13, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(reported, events.Where(e => e.Get("change") == EventTypes.IncidentReported).Select(e => e.Get("incident.id")));
        await live.AssertQuietAsync(FromA, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task CitizensSeeAPartnersAuthoritiesShareNeverAndOperatorsMayNotFollowIt()
    {
        await using var cities = await TwoCities.StartAsync();
        // B shares with A as authorities: council of A sees it, A's citizens see nothing of it.
        await using var council = await LiveClient.ConnectAsync(cities.A.Url, await cities.A.TokenAsync("council"));
        await using var citizen = await LiveClient.ConnectAsync(cities.A.Url, await cities.A.TokenAsync("citizen"));
        await using var operatorClient = await LiveClient.ConnectAsync(cities.A.Url, await cities.A.TokenAsync("operator"));
        await council.SubscribeAsync("partner:city-b");
        await citizen.SubscribeAsync("partner:city-b");
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => operatorClient.SubscribeAsync("partner:city-b"));
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => council.SubscribeAsync("partner:city-z"));

        var id = await ReportAsync(cities.B, "theft", lon: 4.33);
        var e = await council.NextAsync("partner:city-b", EventTypes.PartnerIncidentUpdated, Arrival);
        Assert.Equal((id, "council", "false"), (e.Get("incident.id"), e.Get("incident.audience"), e.Get("incident.locationBlurred")));
        await citizen.AssertQuietAsync("partner:city-b", TimeSpan.FromSeconds(1));

        using var citizenHttp = cities.A.Http(await cities.A.TokenAsync("citizen"));
        Assert.Empty((await (await citizenHttp.GetAsync("/api/partners/city-b/incidents")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
    }

    private static async Task<string> ReportAsync(City city, string category, double lon = 4.2811, string description = "Reported in a partner city", string? token = null)
    {
        using var http = city.Http(token ?? await city.TokenAsync("citizen"));
        var created = await (await http.PostJsonAsync("/api/incidents", Sample.Report(category, description, lon: lon))).JsonAsync(HttpStatusCode.Created);
        return created.Str("id");
    }

    private static async Task AddNoteAsync(HttpClient police, string id, string text, string visibility) =>
        (await police.PostJsonAsync($"/api/incidents/{id}/notes", new { text, visibility })).EnsureSuccessStatusCode();

    /// <summary>Polls the partner's shared incidents until <paramref name="pick"/> finds something.</summary>
    private static async Task<JsonElement> WaitForAsync(City city, string role, Func<IEnumerable<JsonElement>, JsonElement?> pick, TimeSpan? timeout = null)
    {
        using var http = city.Http(await city.TokenAsync(role));
        return await PollAsync(async () =>
        {
            using var response = await http.GetAsync("/api/partners/city-a/incidents");
            return response.IsSuccessStatusCode ? pick((await response.JsonAsync(HttpStatusCode.OK)).EnumerateArray().ToList()) : null;
        }, timeout);
    }

    private static async Task<JsonElement> PollAsync(Func<Task<JsonElement?>> probe, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? Arrival);
        while (true)
        {
            try
            {
                // FirstOrDefault finds nothing as an undefined element.
                if (await probe() is { ValueKind: not JsonValueKind.Undefined } found) return found.Clone();
            }
            catch (HttpRequestException) when (DateTime.UtcNow < until)
            {
            }

            if (DateTime.UtcNow > until) throw new TimeoutException("The partner city did not get there in time.");
            await Task.Delay(200);
        }
    }

    private static FederatedBatch Batch(string epoch, long from, long through, string description = "Shared") => new(
        "city-a", epoch, Audience.Public, 1,
        [.. Enumerable.Range((int)from, (int)(through - from + 1)).Select(seq => new FederatedEvent(seq, $"e-{seq}", EventTypes.IncidentReported,
            DateTimeOffset.UtcNow, new SharedIncident($"i-{seq}", "city-a", Audience.Public, "noise", description, IncidentStatus.Reported, Severity.Low,
                new GeoPoint(52.07, 4.28), true, "centrum", "en", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, [])))]);

    /// <summary>The epoch of A's outbox for B, as B reads it back from A.</summary>
    private static async Task<string> OutboxEpochAsync(TwoCities cities)
    {
        var b = TestCities.Signer("city-b", TestCities.Options(cities.B.Key, ("city-a", [cities.A.Key.PublicPem])));
        var path = FederationSignature.StreamRequest("city-b", 0, 1);
        using var http = cities.A.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", b.Sign("city-a", "GET", path, []));
        return (await (await http.SendAsync(request)).JsonAsync(HttpStatusCode.OK)).Str("epoch");
    }

    private static byte[] Json(FederatedBatch batch) => JsonSerializer.SerializeToUtf8Bytes(batch, FederationJson.Options);

    private static async Task<JsonElement> PostAsync(City city, FederationSigner signer, FederatedBatch batch, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = Json(batch);
        using var response = await SendAsync(city, signer.Sign(city.Id, "POST", FederationSignature.EventsPath, body), body);
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<HttpResponseMessage> SendAsync(City city, string? signature, byte[] body)
    {
        using var http = city.Http();
        var request = new HttpRequestMessage(HttpMethod.Post, FederationSignature.EventsPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (signature is not null) request.Headers.TryAddWithoutValidation("Authorization", signature);
        return await http.SendAsync(request);
    }
}
