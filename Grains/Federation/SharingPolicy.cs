using Collab.Common;

namespace Collab.Federation;

/// <summary>
/// What this city shares with one partner: which neighbourhoods × categories, as which audience's
/// view, and whether training exercises' incidents too (never unless the partner takes part).
/// </summary>
public sealed record SharingPolicy(string PartnerId, IReadOnlySet<string> Neighbourhoods, IReadOnlySet<string> Categories, Audience Audience, bool Exercises = false)
{
    public const string All = "*";

    public static SharingPolicy From(string partnerId, ShareOptions share) => new(
        partnerId,
        share.Neighbourhoods.ToHashSet(StringComparer.Ordinal),
        share.Categories.ToHashSet(StringComparer.Ordinal),
        AudienceOf(share.Audience),
        share.Exercises);

    /// <summary>The view a share's audience setting names: council's for <c>authorities</c>, else the public one. Never police.</summary>
    public static Audience AudienceOf(string setting) => setting == "authorities" ? Audience.Council : Audience.Public;

    public static string Name(Audience audience) => audience == Audience.Council ? "authorities" : "public";

    /// <summary>Whether an incident there, of that category (a training exercise's when <paramref name="exercise"/>), is shared.</summary>
    public bool Shares(string neighbourhood, string category, bool exercise = false) =>
        (!exercise || Exercises)
        && (Neighbourhoods.Contains(All) || Neighbourhoods.Contains(neighbourhood))
        && (Categories.Contains(All) || Categories.Contains(category));
}
