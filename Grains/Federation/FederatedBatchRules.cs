using Collab.Common;

namespace Collab.Federation;

/// <summary>
/// What a batch from a partner must be before it is applied, whether the partner posted it or this
/// city read it back: from that partner, at most 100 contiguous events, each a whole shareable view
/// of the partner's own incident.
/// </summary>
public static class FederatedBatchRules
{
    public const int MaxEvents = 100;

    /// <summary>Why <paramref name="batch"/> cannot be applied as <paramref name="partner"/>'s, or null.</summary>
    public static string? Check(FederatedBatch? batch, string partner)
    {
        if (batch is null || batch.Events is null || batch.Origin is null || string.IsNullOrEmpty(batch.Epoch)) return "The body is not a federation batch.";
        if (batch.Origin != partner) return "The batch's origin is not its signer.";
        if (batch.Events.Count > MaxEvents) return $"A batch holds at most {MaxEvents} events.";
        if (batch.Audience is not (Audience.Public or Audience.Council)) return "A partner shares the public or the council view only.";
        if (batch.Head is < 0) return "'head' must not be negative.";
        for (var i = 0; i < batch.Events.Count; i++)
        {
            var e = batch.Events[i];
            if (e is null || e.Incident is null || e.Id is null || e.Type is null || e.Incident.Notes is null || e.Incident.Location is null) return $"Event {i} is incomplete.";
            if (e.Seq < 1 || (i > 0 && e.Seq != batch.Events[i - 1].Seq + 1)) return "The events' seqs must be contiguous and positive.";
            if (e.Incident.Origin != partner) return $"Event {i} is not the partner's own incident.";
            if (e.Incident.Audience is not (Audience.Public or Audience.Council)) return $"Event {i} is not a shareable view.";
            if (e.Incident.Exercise is { } exercise && (exercise.Length is 0 or > 64 || !TextRules.IsValid(exercise))) return $"Event {i}: 'exercise' is not an exercise id.";
        }

        return null;
    }
}
