using Collab.Categories;
using Microsoft.Extensions.Options;

namespace Collab.Hosting;

/// <summary>Checks the city's settings at start (its categories); every message names the setting to fix.</summary>
public sealed class CityOptionsValidator : IValidateOptions<CityOptions>
{
    public ValidateOptionsResult Validate(string? name, CityOptions options) =>
        CityCategories.Validate(options) is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
