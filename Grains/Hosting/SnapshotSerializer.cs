using Orleans.Serialization;
using Orleans.Storage;

namespace Collab.Hosting;

/// <summary>
/// Grain state in Orleans' own binary format, as <see cref="OrleansGrainStorageSerializer"/> writes
/// it, byte for byte, but serialized into a pooled buffer and copied out once at its final size.
/// The stock serializer grows a fresh array by doubling, so a snapshot of tens of kilobytes (an
/// incident's timeline) allocated about twice its size in discarded arrays, often on the large
/// object heap; the memory-mode load test found those arrays a third of a silo's allocations.
/// </summary>
internal sealed class SnapshotSerializer(Serializer serializer) : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(serializer.SerializeToArray(input));

    public T? Deserialize<T>(BinaryData input) => serializer.Deserialize<T>(input.ToMemory());
}
