namespace Collab.Federation;

/// <summary>
/// Federation with partner cities (<c>Collab:Federation</c>). Off unless at least one partner is
/// configured; then this city's signing key is required. Checked at start by
/// <see cref="FederationOptionsValidator"/>, which names the offending setting.
/// </summary>
public sealed class FederationOptions
{
    public const string Section = "Collab:Federation";

    /// <summary>This city's private key: PEM, EC P-256 ("BEGIN PRIVATE KEY" or "BEGIN EC PRIVATE KEY").</summary>
    public string? SigningKey { get; set; }

    /// <summary>A file holding <see cref="SigningKey"/> (e.g. a mounted secret); used when <see cref="SigningKey"/> is empty.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>The partner cities, by city id.</summary>
    public Dictionary<string, PartnerOptions> Partners { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a signed request stays valid; the receiver allows <see cref="ClockSkew"/> besides.</summary>
    public TimeSpan RequestLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Clock difference tolerated between two cities' servers.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Events per batch (at most 100).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Events each partner's outbox keeps in its snapshot, delivered or not. With PostgreSQL the
    /// event log keeps every event besides, so this only bounds the snapshot; in memory mode it is
    /// also how far behind a partner may fall before the oldest undelivered events are lost.
    /// </summary>
    public int OutboxCapacity { get; set; } = 2_000;

    /// <summary>Shared incidents each partner mirror keeps, active or not (the most recently updated).</summary>
    public int MirrorCapacity { get; set; } = 5_000;

    /// <summary>The longest pause between delivery attempts to a partner that keeps failing.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    public bool Enabled => Partners.Count > 0;
}

/// <summary>One partner city (<c>Collab:Federation:Partners:{cityId}</c>).</summary>
public sealed class PartnerOptions
{
    /// <summary>The partner's gateway base URL (https outside tests).</summary>
    public string? Url { get; set; }

    /// <summary>The partner's public key(s): PEM, EC P-256; several PEM blocks during a key rotation.</summary>
    public string? PublicKey { get; set; }

    /// <summary>More public keys (PEM each), e.g. the next key of a rotation.</summary>
    public List<string> PublicKeys { get; set; } = [];

    /// <summary>What this city sends the partner.</summary>
    public ShareOptions Share { get; set; } = new();
}

/// <summary>What this city shares with one partner (<c>...:Share</c>). Nothing unless both lists name something.</summary>
public sealed class ShareOptions
{
    /// <summary>Neighbourhood slugs, or <c>*</c> for all.</summary>
    public List<string> Neighbourhoods { get; set; } = [];

    /// <summary>Category codes, or <c>*</c> for all.</summary>
    public List<string> Categories { get; set; } = [];

    /// <summary><c>public</c> (blurred, masked, public notes) or <c>authorities</c> (council's view). Never the police view.</summary>
    public string Audience { get; set; } = "public";

    /// <summary>
    /// Whether the partner takes part in this city's training exercises: only then are an exercise's
    /// incidents (in the shared neighbourhoods and categories) shared, marked with their exercise.
    /// </summary>
    public bool Exercises { get; set; }
}
