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
