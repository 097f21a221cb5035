using System.Security.Cryptography;
using System.Text;
using Collab.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Federation;

/// <summary>
/// This city's signing key and every partner's public keys, parsed once from
/// <see cref="FederationOptions"/>. Keys are named by their RFC 7638 JWK thumbprint (<c>kid</c>).
/// </summary>
public sealed class FederationKeys
{
    public FederationKeys(IOptions<FederationOptions> options, IOptions<CityOptions> city)
    {
        var o = options.Value;
        CityId = city.Value.Id;
        if (!o.Enabled)
        {
            return;
        }

        using var signing = ReadSigningKey(o);
        var ec = ECDsa.Create(signing.ExportParameters(includePrivateParameters: true));
        Signing = Named(ec);
        Published = [Jwk(ec, Signing.KeyId)];
        foreach (var (id, partner) in o.Partners)
        {
            Partners[id] = PublicKeysOf(partner).Select(pem => Named(ImportPublic(pem, $"Collab:Federation:Partners:{id}:PublicKey"))).ToList();
        }
    }

    /// <summary>This city's id: the issuer of what it signs, the audience of what it accepts.</summary>
    public string CityId { get; }

    /// <summary>This city's private key; null when federation is off.</summary>
    public ECDsaSecurityKey? Signing { get; }

    /// <summary>This city's public key(s) as JWKs (<c>GET /federation/v1/keys</c>).</summary>
    public IReadOnlyList<JsonWebKeyDto> Published { get; } = [];

    /// <summary>The public keys that may sign for each partner.</summary>
    public Dictionary<string, List<ECDsaSecurityKey>> Partners { get; } = new(StringComparer.Ordinal);

    /// <summary>Every PEM block of <see cref="PartnerOptions.PublicKey"/> and <see cref="PartnerOptions.PublicKeys"/>.</summary>
    internal static IEnumerable<string> PublicKeysOf(PartnerOptions partner) =>
        SplitPem(partner.PublicKey).Concat(partner.PublicKeys.SelectMany(SplitPem));

    internal static ECDsa ReadSigningKey(FederationOptions o)
    {
        var pem = !string.IsNullOrWhiteSpace(o.SigningKey) ? o.SigningKey
            : !string.IsNullOrWhiteSpace(o.SigningKeyFile) ? File.ReadAllText(o.SigningKeyFile)
            : throw new InvalidOperationException("Collab:Federation:SigningKey or SigningKeyFile is required when partners are configured.");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException("Collab:Federation:SigningKey is not a PEM EC private key.", ex);
        }

        if (!IsP256(key))
        {
            key.Dispose();
            throw new InvalidOperationException("Collab:Federation:SigningKey must be an EC P-256 key (ES256).");
        }

        try
        {
            key.SignData([0], HashAlgorithmName.SHA256);
        }
        catch (CryptographicException ex)
        {
            key.Dispose();
            throw new InvalidOperationException("Collab:Federation:SigningKey holds no private key.", ex);
        }

        return key;
    }

    internal static ECDsa ImportPublic(string pem, string setting)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting} is not a PEM EC public key.", ex);
        }

        if (!IsP256(key))
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting} must be an EC P-256 key (ES256).");
        }

        // Only the public half is kept, whatever the PEM held.
        var pub = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        key.Dispose();
        return pub;
    }

    /// <summary>The RFC 7638 thumbprint of an EC public key: SHA-256 of its canonical JWK, base64url.</summary>
    public static string Thumbprint(ECDsa key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        var canonical = $$"""{"crv":"P-256","kty":"EC","x":"{{Base64UrlEncoder.Encode(p.Q.X)}}","y":"{{Base64UrlEncoder.Encode(p.Q.Y)}}"}""";
        return Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static bool IsP256(ECDsa key) =>
        key.KeySize == 256 && key.ExportParameters(includePrivateParameters: false).Curve.Oid.Value == "1.2.840.10045.3.1.7";

    private static ECDsaSecurityKey Named(ECDsa key) => new(key) { KeyId = Thumbprint(key) };

    private static JsonWebKeyDto Jwk(ECDsa key, string kid)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        return new JsonWebKeyDto("EC", "P-256", Base64UrlEncoder.Encode(p.Q.X), Base64UrlEncoder.Encode(p.Q.Y), kid, "sig", "ES256");
    }

    private static IEnumerable<string> SplitPem(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        const string End = "-----END ";
        var start = 0;
        while ((start = text.IndexOf("-----BEGIN ", start, StringComparison.Ordinal)) >= 0)
        {
            var end = text.IndexOf(End, start, StringComparison.Ordinal);
            var close = end < 0 ? -1 : text.IndexOf("-----", end + End.Length, StringComparison.Ordinal);
            if (close < 0)
            {
                yield return text[start..];
                yield break;
            }

            yield return text[start..(close + 5)];
            start = close + 5;
        }
    }
}

/// <summary>One public key as a JWK (RFC 7517), with its RFC 7638 thumbprint as <c>kid</c>.</summary>
public sealed record JsonWebKeyDto(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);
