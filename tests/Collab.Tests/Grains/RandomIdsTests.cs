using System.Collections.Concurrent;
using Collab.Common;
using Collab.Realtime;

namespace Collab.Tests.Grains;

/// <summary>Event and incident ids from a thread's buffer of cryptographic random bytes (<see cref="RandomIds"/>).</summary>
public sealed class RandomIdsTests
{
    [Fact]
    public void IdsAreDistinctAcrossThreadsAndBufferRefills()
    {
        const int threads = 8;
        const int perThread = RandomIds.IdsPerFill * 40 + 7;
        var seen = new ConcurrentDictionary<string, bool>();
        var duplicates = 0;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            for (var i = 0; i < perThread; i++)
            {
                if (!seen.TryAdd(RandomIds.New(), true)) Interlocked.Increment(ref duplicates);
            }
        });

        Assert.Equal(0, duplicates);
        Assert.Equal(threads * perThread, seen.Count);
    }

    [Fact]
    public void AnIdIsAVersion4GuidWrittenAsAnEventIdIs()
    {
        for (var i = 0; i < RandomIds.IdsPerFill * 3; i++)
        {
            var id = RandomIds.New();
            Assert.Matches("^[0-9a-f]{32}$", id);
            var guid = Guid.ParseExact(id, "N");
            var d = guid.ToString("D");
            Assert.Equal('4', d[14]);
            Assert.Contains(d[19], "89ab");
            Assert.Equal(4, guid.Version);
        }
    }

    [Fact]
    public void EveryRandomBitVaries()
    {
        // 122 bits are random: over 2,000 ids each is set in some and clear in others. A buffer
        // that was not refilled (its taken bytes are cleared) or a fixed byte fails this.
        var set = new int[128];
        const int ids = 2_000;
        for (var i = 0; i < ids; i++)
        {
            var bytes = Convert.FromHexString(RandomIds.New());
            for (var bit = 0; bit < 128; bit++)
            {
                if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) set[bit]++;
            }
        }

        // In the N form the version is the 13th digit (bits 48-51) and the variant the 17th digit's top two bits (64, 65).
        var fixedBits = new HashSet<int> { 48, 49, 50, 51, 64, 65 };
        for (var bit = 0; bit < 128; bit++)
        {
            if (fixedBits.Contains(bit)) continue;
            Assert.InRange(set[bit], ids / 4, ids * 3 / 4);
        }
    }

    [Fact]
    public void TimelineEntriesTakeTheirIdsFromIt()
    {
        var timeline = new Timeline<string>();
        var actor = new Actor(ActorRole.Police, "p1", "Officer", "en");
        var ids = Enumerable.Range(0, RandomIds.IdsPerFill * 2)
            .Select(i => timeline.Append("test", actor, Audience.Public, $"payload {i}", DateTimeOffset.UnixEpoch, 1_000).Id)
            .ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(4, Guid.ParseExact(id, "N").Version));
    }
}
