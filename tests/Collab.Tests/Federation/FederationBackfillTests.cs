using System.Net;
using System.Text.Json;
using Collab.Federation;
using Collab.Realtime;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Federation;

/// <summary>
/// Backfill started by the receiving city: <c>GET /federation/v1/streams/{cityId}?afterSeq=N</c>,
/// signed by the reader, served by the origin from its outbox for that reader only.
/// </summary>
[Collection(TwoCitiesCollection.Name)]
public sealed class FederationBackfillTests
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task APartnerRestartedEmptyReadsBackEverythingWithoutTheOriginSendingAnything()
    {
        await using var cities = await TwoCities.StartAsync();
        var reporter = await cities.A.TokenAsync("citizen", sub: "backfill-reporter-4711");
        var noise = await ReportAsync(cities.A, reporter, "noise");
        var vandalism = await ReportAsync(cities.A, reporter, "vandalism");
        var unshared = await ReportAsync(cities.A, reporter, "theft");
        using (var police = cities.A.Http(await cities.A.TokenAsync("police")))
        {
            (await police.PostJsonAsync($"/api/incidents/{noise}/notes", new { text = "SECRET-BACKFILL-NOTE", visibility = "police" })).EnsureSuccessStatusCode();
            (await police.PostJsonAsync($"/api/incidents/{noise}/status", new { status = "acknowledged" })).EnsureSuccessStatusCode();
        }

        var before = await FederationPostgresTests.PartnerStreamAsync(cities.B, 3, Arrival);
        Assert.Equal([noise, vandalism, noise], before.Select(e => e.Get("incident.id")));

        // B comes back empty (memory storage). A has delivered everything, so it sends nothing more:
        // only B's own read-back can make its stream whole again.
        await cities.B.StopAsync();
        var posted = cities.A.Sent.Count;
        cities.B.Received.Clear();
        await cities.B.StartAsync();

        var after = await FederationPostgresTests.PartnerStreamAsync(cities.B, 3, Arrival);
        Assert.Equal([1L, 2L, 3L], after.Select(e => e.Seq));
        Assert.Equal(before.Select(e => (e.Get("incident.id"), e.Get("change"), e.Get("incident.status"))),
            after.Select(e => (e.Get("incident.id"), e.Get("change"), e.Get("incident.status"))));
        Assert.Equal(posted, cities.A.Sent.Count);

        // What A served B's read-back is what its policy shares, as the public sees it.
        var served = string.Join("\n", cities.B.Received);
        Assert.Contains(noise, served);
        Assert.Contains(vandalism, served);
        foreach (var secret in new[] { unshared, "SECRET-BACKFILL-NOTE", "backfill-reporter-4711", "4.2811" })
        {
            Assert.DoesNotContain(secret, served);
        }

        using var http = cities.B.Http(await cities.B.TokenAsync("police"));
        var incidents = await (await http.GetAsync("/api/partners/city-a/incidents")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(new[] { noise, vandalism }.Order(), incidents.EnumerateArray().Select(i => i.Str("id")).Order());
    }

    [Fact]
    public async Task TheOriginServesAPartnerItsOwnStreamOnlySignedWithTheQueryAndChecksTheQuery()
    {
        await using var cities = await TwoCities.StartAsync();
        var citizen = await cities.A.TokenAsync("citizen");
        var shared = await ReportAsync(cities.A, citizen, "noise");
        var unshared = await ReportAsync(cities.A, citizen, "theft");
        await FederationPostgresTests.PartnerStreamAsync(cities.B, 1, Arrival);

        var b = TestCities.Signer("city-b", TestCities.Options(cities.B.Key, ("city-a", [cities.A.Key.PublicPem])));
        var all = FederationSignature.StreamRequest("city-b", 0, 100);
        var batch = await ReadAsync(cities.A, all, b.Sign("city-a", "GET", all, []), HttpStatusCode.OK);
        Assert.Equal(("city-a", "public", 1L, 1L), (batch.Str("origin"), batch.Str("audience"), batch.GetProperty("retainedFrom").GetInt64(), batch.GetProperty("head").GetInt64()));
        var e = Assert.Single(batch.GetProperty("events").EnumerateArray());
        Assert.Equal((1L, shared, EventTypes.IncidentReported), (e.GetProperty("seq").GetInt64(), e.GetProperty("incident").Str("id"), e.Str("type")));
        Assert.DoesNotContain(unshared, batch.GetRawText());

        var rest = FederationSignature.StreamRequest("city-b", 1, 100);
        Assert.Empty((await ReadAsync(cities.A, rest, b.Sign("city-a", "GET", rest, []), HttpStatusCode.OK)).GetProperty("events").EnumerateArray());

        // Unsigned, signed for another query, by another key, or for another city: refused.
        var otherKey = TestCities.Signer("city-b", TestCities.Options(CityKey.New(), ("city-a", [cities.A.Key.PublicPem])));
        foreach (var (path, signature) in new[]
        {
            (all, (string?)null),
            (rest, b.Sign("city-a", "GET", all, [])),
            (all, otherKey.Sign("city-a", "GET", all, [])),
            (all, b.Sign("city-c", "GET", all, [])),
        })
        {
            await (await SendAsync(cities.A, path, signature)).ProblemAsync(HttpStatusCode.Unauthorized, "federation-signature-invalid");
        }

        // A partner's signature is good for its own stream only.
        var others = FederationSignature.StreamRequest("city-c", 0, 100);
        await (await SendAsync(cities.A, others, b.Sign("city-a", "GET", others, []))).ProblemAsync(HttpStatusCode.Forbidden, "federation-stream-forbidden");

        foreach (var (query, code) in new[] { ("afterSeq=-1", "afterSeq-invalid"), ("afterSeq=x", "afterSeq-invalid"), ("limit=0", "limit-invalid"), ("limit=101", "limit-invalid") })
        {
            var path = $"{FederationSignature.StreamsPath}/city-b?{query}";
            await (await SendAsync(cities.A, path, b.Sign("city-a", "GET", path, []))).ProblemAsync(HttpStatusCode.BadRequest, code);
        }
    }

    private static async Task<string> ReportAsync(City city, string token, string category)
    {
        using var http = city.Http(token);
        return (await (await http.PostJsonAsync("/api/incidents", Sample.Report(category, "Reported for a read-back"))).JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    private static async Task<JsonElement> ReadAsync(City city, string path, string signature, HttpStatusCode expected)
    {
        using var response = await SendAsync(city, path, signature);
        return await response.JsonAsync(expected);
    }

    private static async Task<HttpResponseMessage> SendAsync(City city, string path, string? signature)
    {
        using var http = city.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (signature is not null) request.Headers.TryAddWithoutValidation("Authorization", signature);
        return await http.SendAsync(request);
    }
}
