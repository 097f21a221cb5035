using Collab.Realtime;

namespace Collab.Tests.Grains;

public sealed class StreamNamesTests
{
    [Theory]
    [InlineData("incident:0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("neighbourhood:centrum")]
    [InlineData("city")]
    [InlineData("citizen:open311:app:device")]
    public void AParsedNameFormatsBackToItself(string value)
    {
        Assert.True(StreamNames.TryParse(value, out var name));
        Assert.Equal(value, name.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("incident")]
    [InlineData("incident:")]
    [InlineData("incidents:abc")]
    [InlineData("city:x")]
    [InlineData("city:")]
    [InlineData("me")]
    [InlineData("Neighbourhood:centrum")]
    public void MisspeltOrIncompleteNamesAreRefused(string? value)
    {
        Assert.False(StreamNames.TryParse(value, out _));
    }

    [Fact]
    public void ANameLongerThanTheLimitIsRefused()
    {
        Assert.False(StreamNames.TryParse("neighbourhood:" + new string('a', StreamNames.MaxLength), out _));
    }

    [Fact]
    public void FormattingChecksTheKey()
    {
        Assert.Equal("incident:i-1", StreamNames.OfIncident("i-1").ToString());
        Assert.Equal("city", StreamNames.TheCity.ToString());
        Assert.Throws<ArgumentException>(() => StreamNames.OfIncident(""));
        Assert.Throws<ArgumentException>(() => StreamNames.Of(StreamNames.City, "x"));
    }
}
