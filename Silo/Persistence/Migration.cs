namespace Collab.Silo.Persistence;

/// <summary>One schema step: <c>Migrations/NNNN_name.sql</c>, applied once, in version order.</summary>
public sealed record Migration(int Version, string Name, string Sql);
