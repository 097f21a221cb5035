using Collab.Categories;
using Collab.Neighbourhoods;
using Microsoft.Extensions.Options;

namespace Collab.Hosting;

/// <summary>Checks the city's settings at start (its categories and its map); every message names the setting, and the feature, to fix.</summary>
public sealed class CityOptionsValidator : IValidateOptions<CityOptions>
{
    public ValidateOptionsResult Validate(string? name, CityOptions options) =>
        CityCategories.Validate(options).Concat(CityMapReader.Validate(options)).ToList() is { Count: > 0 } errors
            ? ValidateOptionsResult.Fail(errors)
            : ValidateOptionsResult.Success;
}
