using System.ComponentModel.DataAnnotations;

namespace Collab.Hosting;

/// <summary>Where grain state lives (<c>Collab:Storage</c>).</summary>
public sealed class StorageOptions
{
    public StorageMode Mode { get; set; } = StorageMode.Memory;

    /// <summary>
    /// Npgsql's <c>Timeout</c> (opening a connection) unless the connection string sets it. Short,
    /// so a stopped database is a prompt 503 rather than a request that hangs.
    /// </summary>
    [Range(1, 300)]
    public int ConnectTimeoutSeconds { get; set; } = 3;

    /// <summary>
    /// Npgsql's <c>Command Timeout</c> unless the connection string sets it. A command does at most
    /// three round trips (reporter, log, snapshot), so the sum stays under Orleans' response timeout.
    /// </summary>
    [Range(1, 300)]
    public int CommandTimeoutSeconds { get; set; } = 5;
}

/// <summary><c>Memory</c> for development and tests, <c>AdoNet</c> for PostgreSQL.</summary>
public enum StorageMode
{
    Memory = 0,
    AdoNet = 1,
}
