using Collab.Common;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Auth;

/// <summary><c>POST /dev/token</c>: only mapped when <c>Collab:Auth:DevTokens</c> is true; otherwise 404.</summary>
public static partial class DevTokenApi
{
    public static IEndpointRouteBuilder MapDevTokenApi(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value.DevTokens)
        {
            var environment = app.ServiceProvider.GetRequiredService<IHostEnvironment>();
            if (!environment.IsDevelopment())
            {
                LogDevTokensOutsideDevelopment(app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DevTokenApi)), environment.EnvironmentName);
            }

            app.MapPost("/dev/token", IssueToken).WithTags("Development").AllowAnonymous();
        }

        return app;
    }

    private static Results<Ok<DevTokenResponse>, ProblemHttpResult> IssueToken(DevTokenRequest request, DevTokenIssuer issuer)
    {
        if (request.Sub is not { Length: <= 128 } || !Caller.IsValidSubject(request.Sub))
        {
            return Problems.Invalid("sub-invalid", "'sub' is required, at most 128 characters and without control characters.");
        }

        if (!Roles.TryParse(request.Role, out _))
        {
            return Problems.Invalid("role-invalid", "'role' must be one of police, council, citizen, operator, researcher.");
        }

        if (request.Lang is not null && !Languages.IsValid(request.Lang))
        {
            return Problems.Invalid("lang-invalid", $"'{request.Lang}' is not a BCP 47 language tag.");
        }

        if (request.Name is { Length: > 80 } || !TextRules.IsValid(request.Name))
        {
            return Problems.Invalid("name-invalid", "'name' is at most 80 characters, without control characters.");
        }

        if (request.Trainer == true && request.Role != Roles.Police)
        {
            return Problems.Invalid("trainer-invalid", "'trainer' is for police tokens only.");
        }

        if (request.Supervisor == true && request.Trainer != true)
        {
            return Problems.Invalid("supervisor-invalid", "'supervisor' is for trainers' tokens only (police with 'trainer').");
        }

        return TypedResults.Ok(new DevTokenResponse(issuer.Issue(request.Sub, request.Role!, request.Lang, request.Name, request.Trainer == true, request.Supervisor == true)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Development tokens are on in the {Environment} environment: anyone can mint a token of any role, operator included")]
    private static partial void LogDevTokensOutsideDevelopment(ILogger logger, string environment);
}
