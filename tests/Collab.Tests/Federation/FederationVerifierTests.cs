using System.Text;
using Collab.Federation;
using Collab.Hosting;
using Microsoft.Extensions.Options;

namespace Collab.Tests.Federation;

/// <summary>The signature between cities: each way a request can be forged or stale is refused, the genuine one accepted.</summary>
public sealed class FederationVerifierTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"origin":"city-a","events":[]}""");
    private const string Path = FederationSignature.EventsPath;

    private readonly CityKey _a = CityKey.New();
    private readonly CityKey _b = CityKey.New();

    private FederationVerifier CityB(params string[] keysOfA) => TestCities.Verifier("city-b", TestCities.Options(_b, ("city-a", keysOfA.Length > 0 ? keysOfA : [_a.PublicPem])));

    private string SignedByA(string audience = "city-b", TimeProvider? clock = null, CityKey? key = null, byte[]? body = null, string path = Path, FederationOptions? options = null) =>
        TestCities.Signer("city-a", options ?? TestCities.Options(key ?? _a, (audience, [_b.PublicPem])), clock).Sign(audience, "POST", path, body ?? Body);

    [Fact]
    public async Task AGenuineRequestIsAcceptedAsItsPartner()
    {
        var verified = await CityB().VerifyAsync(SignedByA(), "POST", Path, Body);
        Assert.True(verified.IsValid, verified.Error);
        Assert.Equal("city-a", verified.PartnerId);
    }

    [Fact]
    public async Task ARequestSignedWithAnotherKeyIsRefused()
    {
        var verified = await CityB().VerifyAsync(SignedByA(key: CityKey.New()), "POST", Path, Body);
        Assert.False(verified.IsValid);
        Assert.Contains("keys", verified.Error);
    }

    [Fact]
    public async Task ARequestFromACityThatIsNoPartnerIsRefused()
    {
        var c = CityKey.New();
        var header = TestCities.Signer("city-c", TestCities.Options(c, ("city-b", [_b.PublicPem]))).Sign("city-b", "POST", Path, Body);
        var verified = await CityB().VerifyAsync(header, "POST", Path, Body);
        Assert.False(verified.IsValid);
        Assert.Contains("Not a partner", verified.Error);
    }

    [Fact]
    public async Task ARequestForAnotherCityIsRefused()
    {
        var verified = await CityB().VerifyAsync(SignedByA(audience: "city-c"), "POST", Path, Body);
        Assert.False(verified.IsValid);
        Assert.Contains("another city", verified.Error);
    }

    [Fact]
    public async Task AnExpiredRequestIsRefused()
    {
        var verified = await CityB().VerifyAsync(SignedByA(clock: new ShiftedClock(TimeSpan.FromMinutes(-5))), "POST", Path, Body);
        Assert.False(verified.IsValid);
        Assert.Contains("expired", verified.Error);
    }

    [Fact]
    public async Task ARequestValidForLongerThanAllowedIsRefused()
    {
        var options = TestCities.Options(_a, ("city-b", [_b.PublicPem]));
        options.RequestLifetime = TimeSpan.FromHours(1);
        var verified = await CityB().VerifyAsync(SignedByA(options: options), "POST", Path, Body);
        Assert.False(verified.IsValid);
    }

    [Fact]
    public async Task ATamperedBodyIsRefused()
    {
        var tampered = Encoding.UTF8.GetBytes("""{"origin":"city-a","events":[1]}""");
        var verified = await CityB().VerifyAsync(SignedByA(), "POST", Path, tampered);
        Assert.False(verified.IsValid);
        Assert.Contains("body", verified.Error);
    }

    [Fact]
    public async Task ASignatureForAnotherPathIsRefused()
    {
        var verified = await CityB().VerifyAsync(SignedByA(path: "/federation/v1/other"), "POST", Path, Body);
        Assert.False(verified.IsValid);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("CollabFederation not-a-jws")]
    public async Task AMissingOrMalformedSignatureIsRefused(string? header)
    {
        Assert.False((await CityB().VerifyAsync(header, "POST", Path, Body)).IsValid);
    }

    [Fact]
    public async Task DuringARotationEitherKeyIsAccepted()
    {
        var next = CityKey.New();
        var verifier = CityB(_a.PublicPem, next.PublicPem);
        Assert.True((await verifier.VerifyAsync(SignedByA(), "POST", Path, Body)).IsValid);
        Assert.True((await verifier.VerifyAsync(SignedByA(key: next), "POST", Path, Body)).IsValid);
    }

    [Fact]
    public void KeysArePublishedWithTheirThumbprintAsKid()
    {
        var keys = TestCities.Keys("city-a", TestCities.Options(_a, ("city-b", [_b.PublicPem])));
        var jwk = Assert.Single(keys.Published);
        Assert.Equal(("EC", "P-256", "ES256"), (jwk.Kty, jwk.Crv, jwk.Alg));
        Assert.Equal(keys.Signing!.KeyId, jwk.Kid);
        Assert.Equal(43, jwk.Kid.Length);
    }

    [Fact]
    public void TheThumbprintFollowsRfc7638()
    {
        // RFC 7638 §3.1 hashes the members crv, kty, x, y in that order, without whitespace.
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(false);
        var json = $$"""{"crv":"P-256","kty":"EC","x":"{{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Q.X)}}","y":"{{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Q.Y)}}"}""";
        var expected = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(expected, FederationKeys.Thumbprint(key));
        Assert.Equal(expected, new Microsoft.IdentityModel.Tokens.JsonWebKey { Kty = "EC", Crv = "P-256", X = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Q.X), Y = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Q.Y) }.ComputeJwkThumbprint() is var t ? Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(t) : "");
    }

    [Fact]
    public void SettingsAreCheckedAtStartNamingTheSetting()
    {
        var validator = new FederationOptionsValidator(Options.Create(new CityOptions { Id = "city-b" }));
        Assert.True(validator.Validate(null, new FederationOptions()).Succeeded);
        Assert.True(validator.Validate(null, TestCities.Options(_b, ("city-a", [_a.PublicPem]))).Succeeded);

        var bad = TestCities.Options(_b, ("city-a", ["-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"]));
        bad.SigningKey = null;
        bad.Partners["city-a"].Url = "ftp://x";
        bad.Partners["city-a"].Share = new ShareOptions { Audience = "police" };
        var failures = string.Join("\n", validator.Validate(null, bad).Failures!);
        Assert.Contains("Collab:Federation:SigningKey", failures);
        Assert.Contains("Collab:Federation:Partners:city-a:Url", failures);
        Assert.Contains("Collab:Federation:Partners:city-a:PublicKey", failures);
        Assert.Contains("Collab:Federation:Partners:city-a:Share:Audience", failures);
        Assert.Contains("Collab:Federation:Partners:city-a:Share:Neighbourhoods", failures);

        var self = TestCities.Options(_b, ("city-b", [_a.PublicPem]));
        Assert.Contains("its own partner", string.Join("\n", validator.Validate(null, self).Failures!));
    }
}
