using Collab.Common;
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

    [Fact]
    public void OneIdentityInANewPrincipalPerRequestIsReadOnce()
    {
        // As the bearer handler hands out a remembered token's identity: a new principal each request.
        var identity = Token("nl").Identities.Single();
        var first = Caller.From(new ClaimsPrincipal(identity));
        var second = Caller.From(new ClaimsPrincipal(identity));
        Assert.NotNull(first);
        Assert.Same(first, second);
    }

    [Fact]
    public void APrincipalOfSeveralIdentitiesIsReadWhole()
    {
        var subject = new ClaimsIdentity([new Claim("sub", "c-1")], "test");
        var role = new ClaimsIdentity([new Claim("role", "police")], "other");
        Assert.Null(Caller.From(new ClaimsPrincipal(subject)));
        var both = Caller.From(new ClaimsPrincipal([subject, role]));
        Assert.Equal(ActorRole.Police, both?.Role);
        Assert.Equal("c-1", both?.UserId);
    }
}
