using Collab.Common;
using Collab.Hosting;
using Collab.Neighbourhoods;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Alerts;

/// <summary>One neighbourhood alert: validated, stored, then published on the city stream.</summary>
internal sealed partial class AlertGrain(
    [PersistentState("alert", StorageNames.Collab)] IPersistentState<AlertState> state,
    CityMap map,
    IOptions<CityOptions> city,
    TimeProvider clock,
    ILogger<AlertGrain> logger) : Grain, IAlertGrain
{
    private const int MaxHeadline = 200;
    private const int MaxDescription = 4_000;
    private const int MaxTranslations = 20;
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    public async Task<Outcome<AlertView>> IssueAsync(IssueAlert command)
    {
        if (state.State.Alert is { } existing)
        {
            // The id is derived from the issuer's idempotency key: the same command again.
            return Outcome<AlertView>.Ok(existing);
        }

        if (command.Actor.Role is not (ActorRole.Police or ActorRole.Council))
        {
            return CommandError.Forbidden("role", "Only police and council issue alerts.");
        }

        if (map.Find(command.Neighbourhood) is null)
        {
            return CommandError.NotFound("neighbourhood-not-found", "No such neighbourhood.");
        }

        if (Check(command.Text, command.Language) is { } invalid) return invalid;
        var language = Languages.Normalize(command.Language);
        var severity = CapValues.Match(CapValues.Severities, command.Severity);
        var urgency = CapValues.Match(CapValues.Urgencies, command.Urgency);
        var certainty = CapValues.Match(CapValues.Certainties, command.Certainty);
        if (severity is null) return CommandError.Invalid("unknown-severity", $"'severity' must be one of {string.Join(", ", CapValues.Severities)}.");
        if (urgency is null) return CommandError.Invalid("unknown-urgency", $"'urgency' must be one of {string.Join(", ", CapValues.Urgencies)}.");
        if (certainty is null) return CommandError.Invalid("unknown-certainty", $"'certainty' must be one of {string.Join(", ", CapValues.Certainties)}.");

        var now = clock.GetUtcNow();
        if (command.Expires is { } expires && (expires <= now || expires > now + MaxLifetime))
        {
            return CommandError.Invalid("expires-invalid", "'expires' must be in the future and within 30 days.");
        }

        if (command.Translations.Count > MaxTranslations)
        {
            return CommandError.Invalid("too-many-translations", $"At most {MaxTranslations} translations.");
        }

        // Tags are stored in canonical case, so that "nl" and "NL" cannot both be issued and a
        // translation cannot silently replace the text in the base language.
        var texts = new Dictionary<string, AlertText>(StringComparer.Ordinal) { [language] = command.Text };
        foreach (var (tag, text) in command.Translations)
        {
            if (Check(text, tag) is { } bad) return bad;
            if (!texts.TryAdd(Languages.Normalize(tag), text!))
            {
                return CommandError.Invalid("language-duplicate", $"'{Languages.Normalize(tag)}' has more than one text; language tags are compared regardless of case.");
            }
        }

        var alert = new AlertView(this.GetPrimaryKeyString(), command.Neighbourhood, language, severity, urgency, certainty,
            TruncateToSeconds(now), command.Expires is { } e ? TruncateToSeconds(e) : null, texts, command.Actor.Role, city.Value.Id, command.Exercise);
        state.State.Alert = alert;
        await state.WriteStateAsync();
        LogIssued(logger, alert.Id, alert.Neighbourhood, alert.Severity);

        // An exercise's alert is for its trainees only, never on the city stream that citizens follow.
        if (alert.Exercise is not null) return Outcome<AlertView>.Ok(alert);

        // A failure here is retried by the caller with the same key: the stored alert is re-published.
        await GrainFactory.GetGrain<ICityGrain>(ICityGrain.Key).OnAlertIssuedAsync(alert);
        return Outcome<AlertView>.Ok(alert);
    }

    public Task<Outcome<AlertView>> GetAsync()
    {
        if (state.State.Alert is { } alert)
        {
            return Task.FromResult(Outcome<AlertView>.Ok(alert));
        }

        // Alerts are read anonymously by id: an unknown id must not leave an activation behind.
        DeactivateOnIdle();
        return Task.FromResult(Outcome<AlertView>.Fail(CommandError.NotFound("alert-not-found", "No such alert.")));
    }

    public async Task PurgeExerciseAsync(string exerciseId)
    {
        if (state.State.Alert is { Exercise: { } exercise } && exercise == exerciseId)
        {
            await state.ClearStateAsync();
        }

        DeactivateOnIdle();
    }

    private static CommandError? Check(AlertText? text, string language)
    {
        if (!Languages.IsValid(language)) return CommandError.Invalid("language-invalid", $"'{language}' is not a BCP 47 language tag.");
        if (text is null || string.IsNullOrWhiteSpace(text.Headline) || text.Headline.Length > MaxHeadline)
        {
            return CommandError.Invalid("headline-invalid", $"'headline' is required and at most {MaxHeadline} characters.");
        }

        if (string.IsNullOrWhiteSpace(text.Description) || text.Description.Length > MaxDescription)
        {
            return CommandError.Invalid("description-invalid", $"'description' is required and at most {MaxDescription} characters.");
        }

        // CAP is XML 1.0, which cannot carry most control characters: refuse them here, not when the document is read.
        return TextRules.Check(text.Headline, "headline") ?? TextRules.Check(text.Description, "description");
    }

    /// <summary>CAP times carry whole seconds.</summary>
    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} issued for {Neighbourhood} ({Severity})")]
    private static partial void LogIssued(ILogger logger, string alertId, string neighbourhood, string severity);
}
