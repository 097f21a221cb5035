namespace Collab;

/// <summary>Names of the grain storage providers.</summary>
public static class StorageNames
{
    public const string Collab = "collab";
}
