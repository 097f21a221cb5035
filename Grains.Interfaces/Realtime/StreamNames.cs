using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Collab.Realtime;

/// <summary>
/// A kind of stream: its name, and whether each stream of the kind has a key after the colon
/// (<c>incident:{id}</c>) or the kind is one stream (<c>city</c>).
/// </summary>
public sealed record StreamKind(string Name, bool Keyed);

/// <summary>
/// One stream: the name a grain publishes under and a gateway follows. Every place that names a
/// stream formats it here, so a grain and a gateway cannot disagree on a spelling.
/// </summary>
public readonly record struct StreamName(StreamKind Kind, string Key)
{
    public override string ToString() => Kind.Keyed ? $"{Kind.Name}:{Key}" : Kind.Name;
}

/// <summary>The stream kinds, and the one parser and formatter of stream names.</summary>
public static class StreamNames
{
    public static readonly StreamKind Incident = new("incident", Keyed: true);
    public static readonly StreamKind Neighbourhood = new("neighbourhood", Keyed: true);
    public static readonly StreamKind City = new("city", Keyed: false);

    /// <summary>A partner city's shared incidents, keyed by its city id.</summary>
    public static readonly StreamKind Partner = new("partner", Keyed: true);

    /// <summary>A training exercise's progress and injects, keyed by the exercise id (police and council only).</summary>
    public static readonly StreamKind Exercise = new("exercise", Keyed: true);

    /// <summary>A citizen's own notifications. Internal: a client names its own as <see cref="Me"/>.</summary>
    public static readonly StreamKind Citizen = new("citizen", Keyed: true);

    /// <summary>Every kind. A new kind of stream is one field above and one entry here.</summary>
    private static readonly FrozenDictionary<string, StreamKind> Kinds =
        new[] { Incident, Neighbourhood, City, Citizen, Partner, Exercise }.ToFrozenDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>The name a citizen's client gives its own <see cref="Citizen"/> stream.</summary>
    public const string Me = "me";

    /// <summary>The longest stream name accepted from a client.</summary>
    public const int MaxLength = 200;

    public static StreamName Of(StreamKind kind, string key)
    {
        if (kind.Keyed == string.IsNullOrEmpty(key))
        {
            throw new ArgumentException(kind.Keyed ? $"A '{kind.Name}' stream needs a key." : $"The '{kind.Name}' stream has no key.", nameof(key));
        }

        return new StreamName(kind, kind.Keyed ? key : "");
    }

    public static StreamName OfIncident(string id) => Of(Incident, id);

    public static StreamName OfNeighbourhood(string slug) => Of(Neighbourhood, slug);

    public static StreamName OfCitizen(string userId) => Of(Citizen, userId);

    public static StreamName OfPartner(string cityId) => Of(Partner, cityId);

    public static StreamName OfExercise(string exerciseId) => Of(Exercise, exerciseId);

    public static StreamName TheCity { get; } = new(City, "");

    /// <summary>
    /// Parses <c>kind:key</c> or a keyless kind's bare name. The key is everything after the first
    /// colon (a citizen's subject may hold colons). Says nothing of whether the stream exists.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out StreamName name)
    {
        name = default;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var kindName = colon < 0 ? value : value[..colon];
        if (!Kinds.TryGetValue(kindName, out var kind))
        {
            return false;
        }

        var key = colon < 0 ? "" : value[(colon + 1)..];
        if (kind.Keyed != (key.Length > 0) || (!kind.Keyed && colon >= 0))
        {
            return false;
        }

        name = new StreamName(kind, key);
        return true;
    }
}
