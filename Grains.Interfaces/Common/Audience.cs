namespace Collab.Common;

/// <summary>
/// The views of a stream. Each audience sees its own contiguous sequence numbers; a wider
/// audience sees everything a narrower one does (police ⊇ council ⊇ public).
/// </summary>
public enum Audience
{
    Public = 0,
    Council = 1,
    Police = 2,
}

/// <summary>Sets of audiences.</summary>
public static class Audiences
{
    /// <summary>Every audience, narrowest first.</summary>
    public static IReadOnlyList<Audience> All { get; } = [Audience.Public, Audience.Council, Audience.Police];
}
