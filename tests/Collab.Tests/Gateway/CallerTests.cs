using System.Security.Claims;
using Collab.Gateway.Auth;

namespace Collab.Tests.Gateway;

public sealed class CallerTests
{
    private static ClaimsPrincipal Token(string? lang) => new(new ClaimsIdentity(
        new[] { new Claim("sub", "c-1"), new Claim("role", "citizen") }.Concat(lang is null ? [] : [new Claim("lang", lang)]), "test"));

    [Theory]
    [InlineData("NL", "nl")]
    [InlineData("nl-be", "nl-BE")]
    [InlineData("pt-PT", "pt-PT")]
    [InlineData("not a tag", "en")]
    [InlineData(null, "en")]
    public void TheLanguageIsReadInItsCanonicalCaseSoOneLanguageIsOneGroup(string? claimed, string expected)
    {
        Assert.Equal(expected, Caller.From(Token(claimed))!.Language);
    }
}
