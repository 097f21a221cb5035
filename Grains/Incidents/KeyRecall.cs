namespace Collab.Incidents;

/// <summary>What an incident remembers of an idempotency key (<see cref="IncidentState.Recall"/>).</summary>
internal enum KeyRecall
{
    /// <summary>Not seen from this user: a new command.</summary>
    New,

    /// <summary>Seen with the same command: a retry, answered with the view as it is.</summary>
    Same,

    /// <summary>Seen with another command: the key is reused, and refused.</summary>
    Different,
}
