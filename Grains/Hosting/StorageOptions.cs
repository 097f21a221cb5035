namespace Collab.Hosting;

/// <summary>Where grain state lives (<c>Collab:Storage</c>).</summary>
public sealed class StorageOptions
{
    public StorageMode Mode { get; set; } = StorageMode.Memory;
}

/// <summary><c>Memory</c> for development and tests, <c>AdoNet</c> for PostgreSQL.</summary>
public enum StorageMode
{
    Memory = 0,
    AdoNet = 1,
}
