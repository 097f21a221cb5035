using System.Globalization;
using Collab.Categories;
using Collab.Common;
using Collab.Hosting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Localization;

/// <summary>
/// At start, the gateway checks that it can name each of the city's categories, questions and
/// answers at least in English: from the city's configuration, else from its resources.
/// (The categories' shape is the grains' check, <see cref="CityOptionsValidator"/>.)
/// </summary>
public sealed class CategoryTextsValidator(IStringLocalizer<Texts> localizer) : IValidateOptions<CityOptions>
{
    public ValidateOptionsResult Validate(string? name, CityOptions options)
    {
        if (CityCategories.Validate(options).Count > 0) return ValidateOptionsResult.Skip;
        var errors = new List<string>();
        foreach (var category in CityCategories.Load(options).All)
        {
            var at = $"Collab:City category '{category.Code}'";
            if (!Named(category.Names, "category." + category.Code)) errors.Add($"{at} has no name: give it Names:en (the gateway's resources name {Resourced("category.")}).");
            foreach (var attribute in category.Attributes)
            {
                if (!Named(attribute.Descriptions, "attribute." + attribute.Code)) errors.Add($"{at}, attribute '{attribute.Code}', has no question: give it Descriptions:en.");
                errors.AddRange(attribute.Values.Where(v => !Named(v.Names, $"attribute.{attribute.Code}.{v.Key}"))
                    .Select(v => $"{at}, attribute '{attribute.Code}', answer '{v.Key}' has no name: give it Names:en."));
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private bool Named(IReadOnlyDictionary<string, string> texts, string key) => texts.In(Languages.Default) is not null || English(key) is not null;

    private string? English(string key)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        try
        {
            var text = localizer[key];
            return text.ResourceNotFound ? null : text.Value;
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private string Resourced(string prefix)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        try
        {
            return string.Join(", ", localizer.GetAllStrings(includeParentCultures: false).Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(s => s.Name[prefix.Length..]));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
