namespace Collab.Categories;

/// <summary>
/// One incident category of the city (<c>Collab:City:Categories:{n}</c>, or an entry of the
/// <c>Categories</c> list of <c>Collab:City:CategoriesFile</c>). Names, questions and answers are
/// per language; where the city gives none, the gateway's resources name the code
/// (<c>category.{code}</c>, <c>attribute.{code}</c>, <c>attribute.{code}.{key}</c>).
/// </summary>
public sealed class CategoryOptions
{
    /// <summary>The stable code (<c>a-z</c>, <c>0-9</c>, <c>-</c>): stored with every incident, used by Open311 as <c>service_code</c>.</summary>
    public string? Code { get; set; }

    /// <summary>Whether the council may act on it (status changes other than dispatching).</summary>
    public bool CouncilConcern { get; set; }

    /// <summary>Whether its locations are blurred more coarsely for the public.</summary>
    public bool Sensitive { get; set; }

    /// <summary>Its name per language tag (e.g. <c>en</c>, <c>nl</c>, <c>fr-CH</c>).</summary>
    public Dictionary<string, string> Names { get; set; } = [];

    /// <summary>Open311's <c>group</c>: a code the resources name (<c>safety</c>, <c>public-space</c>) or a name of the city's own.</summary>
    public string? Group { get; set; }

    /// <summary>Open311's <c>keywords</c>.</summary>
    public List<string> Keywords { get; set; } = [];

    /// <summary>Questions a report of this category may answer (Open311's service definition attributes).</summary>
    public List<CategoryAttributeOptions> Attributes { get; set; } = [];
}

/// <summary>A question of a category, e.g. "anyone injured?".</summary>
public sealed class CategoryAttributeOptions
{
    /// <summary>The stable code (<c>a-z</c>, <c>0-9</c>, <c>-</c>, <c>_</c>): a report's <c>attributes</c> key, Open311's <c>attribute[code]</c>.</summary>
    public string? Code { get; set; }

    /// <summary>Open311's datatype: <c>string</c>, <c>number</c>, <c>datetime</c>, <c>text</c>, <c>singlevaluelist</c>, <c>multivaluelist</c>.</summary>
    public string? Datatype { get; set; } = "string";

    /// <summary>Whether every report of the category must answer it.</summary>
    public bool Required { get; set; }

    /// <summary>The question per language tag.</summary>
    public Dictionary<string, string> Descriptions { get; set; } = [];

    /// <summary>The answers of a list datatype.</summary>
    public List<AttributeValueOptions> Values { get; set; } = [];
}

/// <summary>An answer of a list question.</summary>
public sealed class AttributeValueOptions
{
    public string? Key { get; set; }

    /// <summary>The answer's name per language tag.</summary>
    public Dictionary<string, string> Names { get; set; } = [];
}
