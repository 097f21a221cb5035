using System.Text.RegularExpressions;
using Collab.Hosting;
using Microsoft.Extensions.Options;

namespace Collab.Federation;

/// <summary>Checks <see cref="FederationOptions"/> at start; every message names the setting to fix.</summary>
public sealed partial class FederationOptionsValidator(IOptions<CityOptions> city) : IValidateOptions<FederationOptions>
{
    private const string S = FederationOptions.Section;

    public ValidateOptionsResult Validate(string? name, FederationOptions options)
    {
        var errors = new List<string>();
        if (options.BatchSize is < 1 or > 100) errors.Add($"{S}:BatchSize must be between 1 and 100.");
        if (options.OutboxCapacity is < 100 or > 1_000_000) errors.Add($"{S}:OutboxCapacity must be between 100 and 1000000.");
        if (options.MirrorCapacity is < 10 or > 1_000_000) errors.Add($"{S}:MirrorCapacity must be between 10 and 1000000.");
        if (options.RequestLifetime < TimeSpan.FromSeconds(5) || options.RequestLifetime > TimeSpan.FromMinutes(10)) errors.Add($"{S}:RequestLifetime must be between 5 seconds and 10 minutes.");
        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5)) errors.Add($"{S}:ClockSkew must be between 0 and 5 minutes.");
        if (options.MaxBackoff < TimeSpan.FromSeconds(1) || options.MaxBackoff > TimeSpan.FromHours(1)) errors.Add($"{S}:MaxBackoff must be between 1 second and 1 hour.");
        if (!options.Enabled)
        {
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }

        try
        {
            using var _ = FederationKeys.ReadSigningKey(options);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            errors.Add(ex is InvalidOperationException ? ex.Message : $"{S}:SigningKeyFile cannot be read: {ex.Message}");
        }

        foreach (var (id, partner) in options.Partners)
        {
            var at = $"{S}:Partners:{id}";
            if (!CityId().IsMatch(id)) errors.Add($"{at}: a city id is 2-64 characters of a-z, 0-9 and '-'.");
            if (id == city.Value.Id) errors.Add($"{at}: a city cannot be its own partner (Collab:City:Id is '{id}').");
            if (!Uri.TryCreate(partner.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
            {
                errors.Add($"{at}:Url must be an absolute http(s) URL of the partner's gateway.");
            }

            var keys = FederationKeys.PublicKeysOf(partner).ToList();
            if (keys.Count == 0) errors.Add($"{at}:PublicKey is required (PEM, EC P-256).");
            foreach (var pem in keys)
            {
                try
                {
                    using var _ = FederationKeys.ImportPublic(pem, $"{at}:PublicKey");
                }
                catch (InvalidOperationException ex)
                {
                    errors.Add(ex.Message);
                }
            }

            if (partner.Share.Neighbourhoods.Count == 0) errors.Add($"{at}:Share:Neighbourhoods must list slugs, or '*' for all.");
            if (partner.Share.Categories.Count == 0) errors.Add($"{at}:Share:Categories must list category codes, or '*' for all.");
            if (partner.Share.Audience is not ("public" or "authorities")) errors.Add($"{at}:Share:Audience must be 'public' or 'authorities'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[a-z0-9-]{2,64}$")]
    private static partial Regex CityId();
}
