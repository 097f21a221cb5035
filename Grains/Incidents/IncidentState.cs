using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Collab.Common;
using Collab.Realtime;

namespace Collab.Incidents;

/// <summary>The persisted state of an incident. Internal: contracts may change shape independently.</summary>
[GenerateSerializer, Alias("collab.state.Incident")]
internal sealed class IncidentState
{
    [Id(0)] public bool Reported { get; set; }
    [Id(1)] public string Category { get; set; } = "";
    [Id(2)] public string Description { get; set; } = "";
    [Id(3)] public GeoPoint Location { get; set; } = new(0, 0);
    [Id(4)] public Severity Severity { get; set; }
    [Id(5)] public string Language { get; set; } = "en";
    [Id(6)] public string Neighbourhood { get; set; } = "";
    [Id(7)] public IncidentStatus Status { get; set; }
    [Id(8)] public DateTimeOffset ReportedAt { get; set; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }
    // Ids 10–12 are retired: the reporter's identity lives apart, in ReporterState.
    [Id(13)] public string? AssignedUnit { get; set; }
    [Id(14)] public List<NoteState> Notes { get; set; } = [];
    /// <summary>Lean events: the long texts are above and in <see cref="Notes"/>.</summary>
    [Id(18)] public Timeline<IncidentEvent> Timeline { get; set; } = new();
    /// <summary>
    /// The timeline as snapshots written before <see cref="IncidentEvent"/>'s records held it; null
    /// once <see cref="UpgradeTimeline"/> has moved it into <see cref="Timeline"/>.
    /// </summary>
    [Id(15)] public Timeline<LegacyIncidentFact>? LegacyTimeline { get; set; }
    /// <summary>
    /// Recent idempotency keys (bounded), so a retried command adds nothing: each
    /// <c>"{userId}\n{key}\n{fingerprint}"</c> (<see cref="KeyRecord"/>), or <c>"{userId}\n{key}"</c> as
    /// remembered before fingerprints, which matches any command. Scoped by user id first, so
    /// erasure forgets a user's keys by the <c>"{userId}\n"</c> prefix.
    /// </summary>
    [Id(16)]
    public List<string> ProcessedKeys
    {
        get;
        set
        {
            field = value;
            _scopeHashes = null;
        }
    } = [];

    /// <summary>
    /// Not stored: a hash of each of <see cref="ProcessedKeys"/>' scopes (<see cref="ScopeOf"/>), in
    /// the same order, built on the first <see cref="Recall"/> and kept in step by
    /// <see cref="RememberKey"/> and <see cref="EraseUser"/>, the only ways the keys change.
    /// </summary>
    [NonSerialized]
    private List<int>? _scopeHashes;
    [Id(17)] public long Version { get; set; }
    /// <summary>
    /// The timeline's (police) seq through which changes were offered to partners' outboxes. Set in
    /// memory once the outboxes have them and stored with the next write, so it may lag: a fresh
    /// activation then offers those changes again, and the outboxes recognise them by event id.
    /// </summary>
    [Id(19)] public long SharedThrough { get; set; }

    /// <summary>The report's answers to its category's questions (code → value); null when none.</summary>
    [Id(20)] public Dictionary<string, string>? Attributes { get; set; }

    /// <summary>The training exercise that created this incident; null for a real one.</summary>
    [Id(21)] public string? Exercise { get; set; }

    internal const int RememberedKeys = 500;

    /// <summary>Moves a snapshot's legacy timeline into <see cref="Timeline"/>; true when there was one.</summary>
    public bool UpgradeTimeline()
    {
        if (LegacyTimeline is not { } legacy)
        {
            return false;
        }

        Timeline = LegacyIncidentFact.Upcast(legacy);
        LegacyTimeline = null;
        return true;
    }

    public NoteState? FindNote(string eventId) => Notes.Find(n => n.EventId == eventId);

    /// <summary>A change the incident's summary shows: newer time, next version.</summary>
    public void Touch(DateTimeOffset at)
    {
        UpdatedAt = at;
        Version++;
    }

    /// <summary>
    /// Erasure: <paramref name="replacement"/> becomes the author of the user's notes, and the
    /// user's idempotency keys (scoped by user id) are forgotten. True when anything changed.
    /// </summary>
    public bool EraseUser(string userId, Actor replacement)
    {
        var changed = false;
        foreach (var note in Notes.Where(n => n.Author.UserId == userId))
        {
            note.Author = replacement;
            changed = true;
        }

        var prefix = userId + "\n";
        if (ProcessedKeys.RemoveAll(k => k.StartsWith(prefix, StringComparison.Ordinal)) == 0)
        {
            return changed;
        }

        _scopeHashes = null;
        return true;
    }

    /// <summary>What is remembered of a command: who, its key and its <see cref="CommandFingerprint"/>. Keys are visible ASCII, so the newlines separate.</summary>
    public static string KeyRecord(string userId, string key, string fingerprint) => $"{userId}\n{key}\n{fingerprint}";

    /// <summary>
    /// Whether this user's key was seen, and with the same command: the first record that is
    /// <c>"{userId}\n{key}"</c> or starts with it and a newline. Asked for every command, so the records
    /// are not read one by one (up to <see cref="RememberedKeys"/> strings each a cache miss away) but
    /// through their scopes' hashes, side by side in one array; only a hash that matches is read.
    /// </summary>
    public KeyRecall Recall(string userId, string key, string fingerprint)
    {
        var scoped = $"{userId}\n{key}";
        if (scoped.AsSpan().Count('\n') != 1)
        {
            // A newline in the id or the key (no caller's can hold one): read every record.
            return RecallByScan(scoped, fingerprint);
        }

        var hashes = CollectionsMarshal.AsSpan(ScopeHashes());
        var hash = string.GetHashCode(scoped);
        var at = 0;
        while (hashes[at..].IndexOf(hash) is >= 0 and var found)
        {
            at += found;
            if (Match(ProcessedKeys[at], scoped, fingerprint) is { } recall)
            {
                return recall;
            }

            at++;
        }

        return KeyRecall.New;
    }

    private KeyRecall RecallByScan(string scoped, string fingerprint)
    {
        foreach (var remembered in ProcessedKeys)
        {
            if (Match(remembered, scoped, fingerprint) is { } recall)
            {
                return recall;
            }
        }

        return KeyRecall.New;
    }

    /// <summary>What <paramref name="remembered"/> says of <paramref name="scoped"/>'s command; null when it is another key's record.</summary>
    private static KeyRecall? Match(string remembered, string scoped, string fingerprint)
    {
        if (!remembered.StartsWith(scoped, StringComparison.Ordinal))
        {
            return null;
        }

        if (remembered.Length == scoped.Length)
        {
            // Remembered before fingerprints: nothing to compare, so a retry as it always was.
            return KeyRecall.Same;
        }

        return remembered[scoped.Length] == '\n'
            ? remembered.AsSpan(scoped.Length + 1).SequenceEqual(fingerprint) ? KeyRecall.Same : KeyRecall.Different
            : null;
    }

    /// <summary>
    /// A record's scope: up to its second newline, or all of it. A scope <c>"{userId}\n{key}"</c> with one
    /// newline matches a record (is it, or starts it before a newline) only where it equals that part,
    /// whatever the record holds, so equal hashes find every match, and <see cref="Match"/> then decides.
    /// </summary>
    private static ReadOnlySpan<char> ScopeOf(string record)
    {
        var first = record.IndexOf('\n');
        var second = first < 0 ? -1 : record.AsSpan(first + 1).IndexOf('\n');
        return second < 0 ? record : record.AsSpan(0, first + 1 + second);
    }

    private List<int> ScopeHashes()
    {
        if (_scopeHashes is { } hashes && hashes.Count == ProcessedKeys.Count)
        {
            return hashes;
        }

        hashes = new List<int>(Math.Max(ProcessedKeys.Count, RememberedKeys + 1));
        foreach (var record in ProcessedKeys)
        {
            hashes.Add(string.GetHashCode(ScopeOf(record)));
        }

        return _scopeHashes = hashes;
    }

    /// <summary>
    /// Applies one event, recorded now or read back from the log, with the key of the command that
    /// produced it (remembered, so a retry of that command is answered rather than done again).
    /// </summary>
    public TimelineEntry<IncidentEvent> Apply((TimelineEntry<IncidentEvent> Entry, IncidentEvent Fact, string? KeyRecord) recorded)
    {
        recorded.Fact.Apply(this, recorded.Entry);
        if (recorded.KeyRecord is not null)
        {
            RememberKey(recorded.KeyRecord);
        }

        return recorded.Entry;
    }

    public void RememberKey(string scopedKey)
    {
        ProcessedKeys.Add(scopedKey);
        _scopeHashes?.Add(string.GetHashCode(ScopeOf(scopedKey)));
        if (ProcessedKeys.Count > RememberedKeys)
        {
            var forgotten = ProcessedKeys.Count - RememberedKeys;
            ProcessedKeys.RemoveRange(0, forgotten);
            _scopeHashes?.RemoveRange(0, forgotten);
        }
    }
}

/// <summary>A stored note; the text stays here, the timeline only refers to it.</summary>
[GenerateSerializer, Alias("collab.state.Note")]
internal sealed class NoteState
{
    [Id(0)] public string EventId { get; set; } = "";
    [Id(1)] public string Text { get; set; } = "";
    [Id(2)] public NoteVisibility Visibility { get; set; }
    [Id(3)] public Actor Author { get; set; } = null!;
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public bool Hidden { get; set; }
    [Id(6)] public string Language { get; set; } = "en";
    /// <summary>Pseudonyms of the citizens who flagged this note (bounded by the flag threshold).</summary>
    [Id(7)] public List<string> Flaggers { get; set; } = [];

    /// <summary>
    /// One citizen's flag, counted once per citizen without keeping who flagged (a pseudonym per
    /// incident). False when the note is hidden already or the citizen flagged it before.
    /// </summary>
    public bool Flag(string incidentId, string userId)
    {
        var pseudonym = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{incidentId}\n{userId}")))[..32];
        if (Hidden || Flaggers.Contains(pseudonym))
        {
            return false;
        }

        Flaggers.Add(pseudonym);
        return true;
    }

    public void Hide() => Hidden = true;

    /// <summary>Shown again; its flags start afresh.</summary>
    public void Restore()
    {
        Hidden = false;
        Flaggers.Clear();
    }
}

/// <summary>Who reported an incident. Kept in its own state, apart from the incident, and revealed only to police with an audit entry.</summary>
[GenerateSerializer, Alias("collab.state.Reporter")]
internal sealed class ReporterState
{
    [Id(0)] public string? UserId { get; set; }
    [Id(1)] public string? Name { get; set; }
    [Id(2)] public ActorRole Role { get; set; }
    [Id(3)] public bool Erased { get; set; }

    public void Set(Actor actor)
    {
        UserId = actor.UserId;
        Name = actor.Name;
        Role = actor.Role;
    }

    /// <summary>Nothing left that identifies the reporter; the role stays, so the incident still reads as a citizen's report.</summary>
    public void Erase()
    {
        UserId = null;
        Name = WellKnownActors.FormerResidentName;
        Erased = true;
    }
}

/// <summary>An incident's audit trail: reveals of the reporter and moderation acts. Bounded.</summary>
[GenerateSerializer, Alias("collab.state.Audit")]
internal sealed class AuditState
{
    private const int Capacity = 2_000;

    [Id(0)] public List<AuditEntry> Entries { get; set; } = [];

    public void Add(AuditEntry entry)
    {
        Entries.Add(entry);
        if (Entries.Count > Capacity)
        {
            Entries.RemoveRange(0, Entries.Count - Capacity);
        }
    }
}
