using Microsoft.Extensions.Options;

namespace Collab.Gateway.Auth;

/// <summary>
/// Refuses, at startup, identity settings that would leave the gateway unable to check a token
/// (every request, health included, would fail) or able to mint any role for anyone.
/// </summary>
internal sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.DevTokens && !environment.IsDevelopment() && !options.AllowDevTokensOutsideDevelopment)
        {
            failures.Add($"Collab:Auth:DevTokens is on in the '{environment.EnvironmentName}' environment: it lets anyone mint a token of any role, "
                + "operator included, and is refused outside Development. Turn it off, or for a test rig set "
                + "Collab:Auth:AllowDevTokensOutsideDevelopment=true.");
        }

        if (!options.DevTokens && string.IsNullOrEmpty(options.SigningKey) && string.IsNullOrEmpty(options.Authority))
        {
            failures.Add("Collab:Auth:SigningKey (32 or more characters) or Collab:Auth:Authority (an OIDC issuer) is required "
                + "when Collab:Auth:DevTokens is off: without either no token can be checked.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
