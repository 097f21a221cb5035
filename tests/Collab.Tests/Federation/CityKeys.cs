using System.Security.Cryptography;
using Collab.Federation;
using Collab.Hosting;
using Microsoft.Extensions.Options;

namespace Collab.Tests.Federation;

/// <summary>A fresh EC P-256 key pair per test city, as PEM.</summary>
public sealed record CityKey(string PrivatePem, string PublicPem)
{
    public static CityKey New()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new(key.ExportPkcs8PrivateKeyPem(), key.ExportSubjectPublicKeyInfoPem());
    }
}

/// <summary>A clock that runs ahead of (or behind) the real one.</summary>
public sealed class ShiftedClock(TimeSpan by) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
}

/// <summary>Signers and verifiers of test cities, without hosts.</summary>
public static class TestCities
{
    public static FederationOptions Options(CityKey own, params (string Id, string[] PublicPems)[] partners) => new()
    {
        SigningKey = own.PrivatePem,
        Partners = partners.ToDictionary(p => p.Id, p => new PartnerOptions
        {
            Url = $"http://{p.Id}.test",
            PublicKey = string.Join("\n", p.PublicPems),
            Share = new ShareOptions { Neighbourhoods = ["*"], Categories = ["*"], Audience = "public" },
        }),
    };

    public static FederationKeys Keys(string cityId, FederationOptions options) =>
        new(Microsoft.Extensions.Options.Options.Create(options), Microsoft.Extensions.Options.Options.Create(new CityOptions { Id = cityId }));

    public static FederationSigner Signer(string cityId, FederationOptions options, TimeProvider? clock = null) =>
        new(Keys(cityId, options), Microsoft.Extensions.Options.Options.Create(options), clock ?? TimeProvider.System);

    public static FederationVerifier Verifier(string cityId, FederationOptions options) =>
        new(Keys(cityId, options), Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System);
}
