namespace Collab.Gateway.Operations;

/// <summary>The <c>channel</c> label of <c>collab.commands</c>.</summary>
public static class CommandChannels
{
    public const string Rest = "rest";
    public const string Hub = "hub";
}
