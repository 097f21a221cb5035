using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Gateway.Auth;

/// <summary>The key tokens are validated (and, in development, issued) with.</summary>
internal sealed class SigningKeys
{
    public SigningKeys(IOptions<AuthOptions> options)
    {
        var configured = options.Value.SigningKey;
        if (string.IsNullOrEmpty(configured))
        {
            if (!options.Value.DevTokens && string.IsNullOrEmpty(options.Value.Authority))
            {
                throw new InvalidOperationException("Collab:Auth:SigningKey (or Collab:Auth:Authority) is required when Collab:Auth:DevTokens is off.");
            }

            Key = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        }
        else
        {
            Key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configured));
        }
    }

    public SymmetricSecurityKey Key { get; }
}
