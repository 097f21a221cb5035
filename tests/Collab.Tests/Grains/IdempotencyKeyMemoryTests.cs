using Collab.Common;
using Collab.Incidents;

namespace Collab.Tests.Grains;

/// <summary>How an incident remembers a command's key with its fingerprint, and keys remembered before fingerprints.</summary>
public sealed class IdempotencyKeyMemoryTests
{
    [Fact]
    public void AKeyIsRecalledAsTheSameCommandOnlyWithTheSameFingerprint()
    {
        var state = new IncidentState();
        state.RememberKey(IncidentState.KeyRecord("c-1", "k", "fp-a"));
        Assert.Equal(KeyRecall.Same, state.Recall("c-1", "k", "fp-a"));
        Assert.Equal(KeyRecall.Different, state.Recall("c-1", "k", "fp-b"));
        Assert.Equal(KeyRecall.New, state.Recall("c-1", "k2", "fp-a"));
        Assert.Equal(KeyRecall.New, state.Recall("c-2", "k", "fp-a"));
    }

    [Fact]
    public void AKeyRememberedBeforeFingerprintsMatchesAnyCommand()
    {
        // As a snapshot or a log row written by the previous build holds it: "{userId}\n{key}".
        var state = new IncidentState { ProcessedKeys = ["c-1\nk"] };
        Assert.Equal(KeyRecall.Same, state.Recall("c-1", "k", "anything"));
        Assert.Equal(KeyRecall.New, state.Recall("c-1", "k2", "anything"));
    }

    [Fact]
    public void ErasureForgetsAUsersKeysWithAndWithoutFingerprints()
    {
        var state = new IncidentState { ProcessedKeys = ["c-1\nold"] };
        state.RememberKey(IncidentState.KeyRecord("c-1", "new", "fp"));
        state.RememberKey(IncidentState.KeyRecord("c-10", "other", "fp"));
        Assert.True(state.EraseUser("c-1", new Actor(ActorRole.Citizen, "former", null, "en")));
        Assert.Equal(KeyRecall.New, state.Recall("c-1", "old", "fp"));
        Assert.Equal(KeyRecall.New, state.Recall("c-1", "new", "fp"));
        Assert.Equal(KeyRecall.Same, state.Recall("c-10", "other", "fp"));
    }

    [Fact]
    public void PastTheBoundTheOldestKeysAreForgottenAndTheRestStillRecalled()
    {
        var state = new IncidentState { ProcessedKeys = ["c-1\nlegacy"] };
        for (var i = 0; i < IncidentState.RememberedKeys + 1; i++)
        {
            state.RememberKey(IncidentState.KeyRecord("c-1", $"k{i}", $"fp{i}"));
        }

        Assert.Equal(IncidentState.RememberedKeys, state.ProcessedKeys.Count);
        Assert.Equal(KeyRecall.New, state.Recall("c-1", "legacy", "any"));
        Assert.Equal(KeyRecall.New, state.Recall("c-1", "k0", "fp0"));
        Assert.Equal(KeyRecall.Same, state.Recall("c-1", "k1", "fp1"));
        Assert.Equal(KeyRecall.Different, state.Recall("c-1", "k1", "fp2"));
        Assert.Equal(KeyRecall.Same, state.Recall("c-1", $"k{IncidentState.RememberedKeys}", $"fp{IncidentState.RememberedKeys}"));

        // A state read back from a snapshot (the same list, nothing else) recalls alike.
        var stored = new IncidentState { ProcessedKeys = [.. state.ProcessedKeys] };
        Assert.Equal(KeyRecall.New, stored.Recall("c-1", "k0", "fp0"));
        Assert.Equal(KeyRecall.Same, stored.Recall("c-1", "k1", "fp1"));
        Assert.Equal(KeyRecall.Different, stored.Recall("c-1", "k1", "fp2"));
    }

    [Fact]
    public void RecallAnswersAsReadingEveryRecordInOrderWouldWhateverTheRecordsHold()
    {
        // Ids and keys of every shape the records can hold, newlines among them (no caller's id or
        // key has one, but a record read back from storage is not checked again), a key that is
        // another's prefix, and legacy records: the hashed lookup must find what a scan finds.
        string[] users = ["c-1", "c-10", "c", "a\nb", "a", ""];
        string[] keys = ["k", "k1", "k\nfp-a", "b", "b\nk", "fp-a", ""];
        string[] fingerprints = ["fp-a", "fp-b", "k"];
        var state = new IncidentState { ProcessedKeys = ["c-1\nlegacy", "a\nb\nk", "a\nb"] };
        var random = new Random(15);
        for (var i = 0; i < 300; i++)
        {
            var user = users[random.Next(users.Length)];
            state.RememberKey(random.Next(5) == 0
                ? $"{user}\n{keys[random.Next(keys.Length)]}"
                : IncidentState.KeyRecord(user, keys[random.Next(keys.Length)], fingerprints[random.Next(fingerprints.Length)]));
            if (i == 150)
            {
                state.EraseUser("c-10", new Actor(ActorRole.Citizen, "former", null, "en"));
            }

            foreach (var u in users)
            {
                foreach (var k in keys)
                {
                    foreach (var f in fingerprints)
                    {
                        Assert.Equal(ByScan(state.ProcessedKeys, u, k, f), state.Recall(u, k, f));
                    }
                }
            }
        }
    }

    /// <summary>What the first record that is the scope, or starts with it and a newline, says.</summary>
    private static KeyRecall ByScan(List<string> records, string user, string key, string fingerprint)
    {
        var scoped = $"{user}\n{key}";
        foreach (var record in records)
        {
            if (record == scoped)
            {
                return KeyRecall.Same;
            }

            if (record.StartsWith(scoped + "\n", StringComparison.Ordinal))
            {
                return record[(scoped.Length + 1)..] == fingerprint ? KeyRecall.Same : KeyRecall.Different;
            }
        }

        return KeyRecall.New;
    }

    [Fact]
    public void FingerprintsTellCommandsApartAndIgnoreTheKeyAndTheActorsNameAndLanguage()
    {
        var actor = new Actor(ActorRole.Police, "p-1", "Desk 4", "en");
        var renamed = actor with { Name = "Desk 5", Language = "nl" };
        Assert.Equal(CommandFingerprint.Of(new AssignUnit("k1", actor, "U1")), CommandFingerprint.Of(new AssignUnit("k2", renamed, "U1")));
        Assert.NotEqual(CommandFingerprint.Of(new AssignUnit("k1", actor, "U1")), CommandFingerprint.Of(new AssignUnit("k1", actor, "U2")));
        Assert.NotEqual(CommandFingerprint.Of(new ChangeStatus("k", actor, IncidentStatus.Acknowledged, "a|b")), CommandFingerprint.Of(new ChangeStatus("k", actor, IncidentStatus.Acknowledged, "a")));
        Assert.NotEqual(CommandFingerprint.Of(new ChangeStatus("k", actor, IncidentStatus.Acknowledged, null)), CommandFingerprint.Of(new ChangeStatus("k", actor, IncidentStatus.Acknowledged, "")));
        Assert.NotEqual(CommandFingerprint.Of(new AddNote("k", actor, "U1", NoteVisibility.Public, "en")), CommandFingerprint.Of(new AssignUnit("k", actor, "U1")));
    }
}
