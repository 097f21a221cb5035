using System.Globalization;
using Collab.Gateway.Auth;
using Collab.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Localization;

namespace Collab.Gateway.Localization;

/// <summary>
/// Which language a REST answer is in: the first of the request's <c>Accept-Language</c> ranges
/// that is translated (a region falls back to its language: <c>fr-CH</c> → <c>fr</c>), else the
/// token's <c>lang</c>, else English. Only the UI culture changes: numbers and dates on the wire
/// stay culture-invariant.
/// </summary>
public static class LocalizationExtensions
{
    public static IServiceCollection AddCollabLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.AddSingleton<Translations>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CityOptions>, CategoryTextsValidator>());
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(CultureInfo.InvariantCulture, Translations.Resolve(null));
            o.SupportedCultures = [CultureInfo.InvariantCulture];
            o.SupportedUICultures = Texts.Languages.Select(CultureInfo.GetCultureInfo).ToList();
            o.FallBackToParentCultures = false;
            o.FallBackToParentUICultures = true;
            o.ApplyCurrentCultureToResponseHeaders = true;
            o.RequestCultureProviders =
            [
                new AcceptLanguageHeaderRequestCultureProvider { MaximumAcceptLanguageHeaderValuesToTry = 5 },
                new CustomRequestCultureProvider(context => Task.FromResult(
                    Caller.From(context.User) is { } caller
                        ? new ProviderCultureResult(CultureInfo.InvariantCulture.Name, Translations.Resolve(caller.Language).Name)
                        : null)),
            ];
        });
        return services;
    }
}
