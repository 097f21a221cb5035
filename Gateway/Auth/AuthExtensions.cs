using Collab.Common;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Gateway.Auth;

/// <summary>JWT bearer for REST and SignalR (<c>?access_token=</c> on the hub only).</summary>
public static class AuthExtensions
{
    public static WebApplicationBuilder AddCollabAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration("Collab:Auth").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<DevTokenIssuer>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeys, IOptions<AuthOptions>, IHostEnvironment>((jwt, keys, auth, environment) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(new RememberingTokenHandler());
                // Why a token failed (expired, wrong audience, bad signature) helps a developer and an attacker alike.
                jwt.IncludeErrorDetails = environment.IsDevelopment();
                if (auth.Value.Authority is { Length: > 0 } authority)
                {
                    // An OIDC provider publishes the issuer and rotating signing keys.
                    jwt.Authority = authority;
                }

                var oidc = auth.Value.Authority is { Length: > 0 };
                // Nothing reads the bearer token back from the authentication properties, and
                // storing it there cost each request a dictionary and its strings.
                jwt.SaveToken = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = oidc ? null : auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    // An identity provider signs with its published asymmetric keys (RS256 and the like),
                    // never with a shared secret: with an authority, only those keys and algorithms count.
                    IssuerSigningKey = oidc ? null : keys.Key,
                    ValidAlgorithms = oidc ? ProviderAlgorithms : [SecurityAlgorithms.HmacSha256],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = "sub",
                    RoleClaimType = "role",
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        // Browsers cannot set headers on WebSockets: the hub alone takes the token from the query.
                        if (context.HttpContext.Request.Path.StartsWithSegments("/hubs")
                            && context.Request.Query["access_token"] is { Count: > 0 } token)
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    OnTokenValidated = context =>
                    {
                        var revocations = context.HttpContext.RequestServices.GetRequiredService<Access.RevocationList>();
                        var sub = context.Principal?.FindFirst("sub")?.Value;
                        DateTimeOffset? issuedAt = context.SecurityToken is JsonWebToken { IssuedAt: var iat } && iat != DateTime.MinValue
                            ? new DateTimeOffset(iat, TimeSpan.Zero)
                            : null;
                        if (sub is not null && revocations.IsRevoked(sub, issuedAt))
                        {
                            context.Fail("The token was revoked.");
                        }
                        else if (context.SecurityToken is JsonWebToken jwt && TokenShape.Refusal(jwt) is { } refusal)
                        {
                            context.Fail(refusal);
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        // Every authorized endpoint and hub method needs a caller (a subject and one of the four
        // roles that act on incidents, as Caller reads them); named policies narrow the roles.
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(CallerIn(ActorRole.Citizen, ActorRole.Police, ActorRole.Council, ActorRole.Operator))
            .AddPolicy(Roles.Reporters, CallerIn(ActorRole.Citizen, ActorRole.Police, ActorRole.Council))
            .AddPolicy(Roles.Authorities, CallerIn(ActorRole.Police, ActorRole.Council))
            .AddPolicy(Roles.PoliceOnly, CallerIn(ActorRole.Police))
            .AddPolicy(Roles.CitizenOnly, CallerIn(ActorRole.Citizen))
            .AddPolicy(Roles.PoliceOrOperator, CallerIn(ActorRole.Police, ActorRole.Operator))
            .AddPolicy(Roles.AuthoritiesOrOperator, CallerIn(ActorRole.Police, ActorRole.Council, ActorRole.Operator))
            .AddPolicy(Roles.OperatorOnly, CallerIn(ActorRole.Operator))
            // Researchers are in no other policy, the default included: aggregates are all they read.
            .AddPolicy(Roles.ResearcherOnly, CallerIn(ActorRole.Researcher))
            .AddPolicy(Roles.Trainers, new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .RequireAssertion(context => Caller.From(context.User) is { Role: ActorRole.Police } && IsTrainer(context.User))
                .Build());
        return builder;
    }

    /// <summary>What an OpenID Connect provider may sign access tokens with.</summary>
    internal static readonly string[] ProviderAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Exactly one <see cref="Roles.TrainerClaim"/>, <c>"true"</c>.</summary>
    private static bool IsTrainer(System.Security.Claims.ClaimsPrincipal user) =>
        user.FindAll(Roles.TrainerClaim).ToList() is [{ Value: "true" }];

    private static AuthorizationPolicy CallerIn(params ActorRole[] roles) => new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .RequireAssertion(context => Caller.From(context.User) is { } caller && roles.Contains(caller.Role))
        .Build();
}
