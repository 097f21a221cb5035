using Collab.Common;

namespace Collab.Federation;

/// <summary>What this city shares with one partner: which neighbourhoods × categories, as which audience's view.</summary>
public sealed record SharingPolicy(string PartnerId, IReadOnlySet<string> Neighbourhoods, IReadOnlySet<string> Categories, Audience Audience)
{
    public const string All = "*";

    public static SharingPolicy From(string partnerId, ShareOptions share) => new(
        partnerId,
        share.Neighbourhoods.ToHashSet(StringComparer.Ordinal),
        share.Categories.ToHashSet(StringComparer.Ordinal),
        AudienceOf(share.Audience));

    /// <summary>The view a share's audience setting names: council's for <c>authorities</c>, else the public one. Never police.</summary>
    public static Audience AudienceOf(string setting) => setting == "authorities" ? Audience.Council : Audience.Public;

    public static string Name(Audience audience) => audience == Audience.Council ? "authorities" : "public";

    public bool Shares(string neighbourhood, string category) =>
        (Neighbourhoods.Contains(All) || Neighbourhoods.Contains(neighbourhood))
        && (Categories.Contains(All) || Categories.Contains(category));
}
