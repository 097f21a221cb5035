using Collab.Gateway.Wire;

namespace Collab.Tests.Gateway;

/// <summary>Ids on the wire: a GUID's <c>D</c> form, answered in lower case, anything else refused.</summary>
public sealed class WireIdTests
{
    [Fact]
    public void AnIdInItsNormalFormIsTakenAsItIs()
    {
        var text = Guid.NewGuid().ToString("D");
        Assert.True(WireFormat.TryParseId(text, out var id));
        Assert.Same(text, id);
    }

    [Theory]
    [InlineData("9F1C2D3E-4A5B-4C6D-8E9F-0A1B2C3D4E5F")]
    [InlineData(" 9f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f")]
    [InlineData("9f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f ")]
    public void AnIdWithCapitalsOrSpaceAroundItIsNormalized(string text)
    {
        Assert.True(WireFormat.TryParseId(text, out var id));
        Assert.Equal("9f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("9f1c2d3e4a5b4c6d8e9f0a1b2c3d4e5f")]
    [InlineData("{9f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f}")]
    [InlineData("9f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5g")]
    public void AnythingButTheDFormIsRefused(string? text)
    {
        Assert.False(WireFormat.TryParseId(text, out var id));
        Assert.Null(id);
    }
}

/// <summary>Times on the wire: ISO 8601 UTC with milliseconds (truncated) and "Z", in strings and in event data alike.</summary>
public sealed class WireTimeTests
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    [Fact]
    public void ATimeIsWrittenAsTheCustomFormatWritesItWhateverTheTimeAndOffset()
    {
        var random = new Random(24);
        var times = new List<DateTimeOffset>
        {
            DateTimeOffset.MinValue, DateTimeOffset.MaxValue, DateTimeOffset.UnixEpoch,
            new(2026, 11, 30, 23, 59, 59, 999, TimeSpan.FromHours(-5)),
            new(2024, 2, 29, 0, 0, 0, 1, TimeSpan.FromHours(14)),
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(9_999),
        };
        for (var i = 0; i < 2_000; i++)
        {
            var ticks = random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay);
            times.Add(new DateTimeOffset(ticks, TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1))));
        }

        foreach (var at in times)
        {
            var expected = at.UtcDateTime.ToString(Format, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, WireFormat.Time(at));
            Assert.Equal($"\"{expected}\"", System.Text.Json.JsonSerializer.Serialize(at, WireFormat.EventData));
        }
    }
}
