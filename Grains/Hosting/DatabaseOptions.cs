using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Collab.Hosting;

/// <summary>The PostgreSQL database (<c>ConnectionStrings:Collab</c>), needed whenever a mode is <c>AdoNet</c>.</summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section; the property name is the connection string's name.</summary>
    public const string Section = "ConnectionStrings";

    /// <summary>The ADO.NET invariant Orleans uses to find Npgsql's provider factory.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>An Npgsql connection string.</summary>
    [Required(ErrorMessage = "ConnectionStrings:Collab is required when Collab:Cluster:Mode or Collab:Storage:Mode is AdoNet.")]
    public string? Collab { get; set; }

    /// <summary>
    /// The connection string, read while the host is being built (Orleans' provider options need it
    /// then); fails with the setting's name rather than later with a connection error. Timeouts the
    /// string leaves unset come from <see cref="StorageOptions"/>, for every user of it (clustering,
    /// grain state, reminders, the event log) alike.
    /// </summary>
    public static string ConnectionString(IConfiguration configuration)
    {
        if (configuration.GetConnectionString("Collab") is not { Length: > 0 } value)
        {
            throw new InvalidOperationException("ConnectionStrings:Collab is required when Collab:Cluster:Mode or Collab:Storage:Mode is AdoNet.");
        }

        var storage = configuration.GetSection("Collab:Storage").Get<StorageOptions>() ?? new StorageOptions();
        var builder = new NpgsqlConnectionStringBuilder(value);
        if (!builder.ContainsKey("Timeout"))
        {
            builder.Timeout = storage.ConnectTimeoutSeconds;
        }

        if (!builder.ContainsKey("Command Timeout"))
        {
            builder.CommandTimeout = storage.CommandTimeoutSeconds;
        }

        return builder.ConnectionString;
    }
}
