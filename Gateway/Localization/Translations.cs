using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using Collab.Categories;
using Collab.Common;
using Collab.Incidents;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;

namespace Collab.Gateway.Localization;

/// <summary>
/// Texts in a reader's language, from the resources behind <see cref="IStringLocalizer{Texts}"/>.
/// A language tag is matched per BCP 47 lookup (RFC 4647 §3.4): <c>fr-CH</c> is read as <c>fr</c>
/// (subtags dropped from the end until a translated language remains), anything else as English;
/// a key missing in that language falls back to English (the neutral resources) too.
/// REST reads the request's language (<see cref="RequestLanguage"/>, from <c>Accept-Language</c>);
/// pushes pass the connection's.
/// </summary>
public sealed class Translations(IStringLocalizer<Texts> localizer, CityCategories categories)
{
    private static readonly FrozenDictionary<string, CultureInfo> Cultures =
        Texts.Languages.ToFrozenDictionary(l => l, CultureInfo.GetCultureInfo, StringComparer.OrdinalIgnoreCase);

    /// <summary>The translated language a tag reads as: itself or its nearest truncation, else English.</summary>
    public static CultureInfo Resolve(string? tag)
    {
        var candidate = tag ?? "";
        while (candidate.Length > 0)
        {
            if (Cultures.TryGetValue(candidate, out var culture)) return culture;
            var cut = candidate.LastIndexOf('-');
            // A single-letter subtag (an extension or private-use singleton) goes with the one after it.
            candidate = cut < 0 ? "" : candidate[..cut].TrimEnd('-');
            if (candidate.Length > 1 && candidate[^2] == '-') candidate = candidate[..^2];
        }

        return Cultures[Languages.Default];
    }

    /// <summary>The language the current request is answered in (the request localization middleware sets it for what runs inside it).</summary>
    public static string RequestLanguage => Supported(CultureInfo.CurrentUICulture);

    /// <summary>
    /// The language <paramref name="context"/> is answered in, also for middleware outside the
    /// request localization (status code pages, the exception handler), where the culture it set no longer flows.
    /// </summary>
    public static string LanguageOf(HttpContext context) =>
        context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture is { } ui ? Supported(ui) : Languages.Default;

    private static string Supported(CultureInfo ui) => ui.Name.Length > 0 && Cultures.ContainsKey(ui.Name) ? ui.Name : Languages.Default;

    /// <summary>
    /// Texts looked up so far, per (key, resolved language): the resources never change while the
    /// process runs, and a resource lookup (culture switch, resource set search under its lock) is
    /// the costliest part of an answer or a push's mapping. Bounded: past
    /// <see cref="MaxCachedTexts"/> further texts are looked up each time.
    /// </summary>
    private readonly ConcurrentDictionary<(string Key, string Culture), string?> _found = new();

    private const int MaxCachedTexts = 20_000;

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/>, or null when no language has it.</summary>
    public string? Find(string key, string language)
    {
        var culture = Resolve(language);
        if (_found.TryGetValue((key, culture.Name), out var cached))
        {
            return cached;
        }

        var text = Lookup(key, culture);
        if (_found.Count < MaxCachedTexts)
        {
            _found.TryAdd((key, culture.Name), text);
        }

        return text;
    }

    private string? Lookup(string key, CultureInfo culture)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = culture;
        try
        {
            var text = localizer[key];
            return text.ResourceNotFound ? null : text.Value;
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    public string Get(string key, string language) => Find(key, language) ?? key;

    public string Format(string key, string language, params object[] arguments) =>
        string.Format(Resolve(language), Get(key, language), arguments);

    /// <summary>
    /// A category's name: the city's own (its configuration, per BCP 47 lookup), else the resources',
    /// else the city's English one; a code nothing names (e.g. one the city no longer lists) reads as itself.
    /// </summary>
    public string CategoryName(string code, string language)
    {
        var names = categories.Find(code)?.Names;
        return names?.In(language) ?? Find("category." + code, language) ?? names?.In(Languages.Default) ?? code;
    }

    /// <summary>A category's question (Open311's attribute <c>description</c>), the same way.</summary>
    public string AttributeQuestion(CategoryAttribute attribute, string language) =>
        attribute.Descriptions.In(language) ?? Find("attribute." + attribute.Code, language) ?? attribute.Descriptions.In(Languages.Default) ?? attribute.Code;

    /// <summary>An answer's name, the same way.</summary>
    public string AttributeValueName(CategoryAttribute attribute, AttributeValue value, string language) =>
        value.Names.In(language) ?? Find($"attribute.{attribute.Code}.{value.Key}", language) ?? value.Names.In(Languages.Default) ?? value.Key;

    /// <summary>Whether the council may act on a category (false for a code the city no longer lists).</summary>
    public bool ConcernsCouncil(string code) => categories.ConcernsCouncil(code);

    /// <summary>Open311's <c>group</c>: a code the resources name (<c>open311.group.{code}</c>), else as the city wrote it.</summary>
    public string? GroupName(string? group, string language) => group is null ? null : Find("open311.group." + group, language) ?? group;

    public string StatusName(IncidentStatus status, string language) => Get("status." + WireFormat.Name(status), language);

    public string SeverityName(Severity severity, string language) => Get("severity." + WireFormat.Name(severity), language);

    /// <summary>A problem's title: its code's, else its HTTP status's, else null.</summary>
    public string? ProblemTitle(string? code, int? status, string language) =>
        (code is null ? null : Find("problem." + code, language))
        ?? (status is { } s ? Find("problem.status." + s.ToString(CultureInfo.InvariantCulture), language) : null);

    /// <summary>A reporter's notification (<c>me.notification</c>) in the reader's language, by its kind.</summary>
    public string? Notification(string kind, IncidentStatus status, string language) =>
        Find("notification." + kind, language) is { } template
            ? string.Format(Resolve(language), template, StatusName(status, language))
            : null;
}
