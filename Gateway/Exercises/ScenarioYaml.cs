using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Collab.Gateway.Exercises;

/// <summary>
/// A scenario written in YAML, turned into the same JSON document <see cref="ScenarioReader"/>
/// reads, so both formats pass the same checks and fail with the same problems. Scalars follow
/// YAML 1.2's core schema: a plain <c>12</c> or <c>4.5</c> is a number, <c>true</c>/<c>false</c> a
/// boolean, <c>null</c>, <c>~</c> or nothing is null, and anything quoted (or tagged <c>!!str</c>)
/// is a string. One document; mapping keys are plain strings, each once; aliases are expanded
/// within a bound on the document's size, so a small file cannot stand for a huge one.
/// </summary>
public static partial class ScenarioYaml
{
    /// <summary>Nodes a scenario may expand to: 1,000 steps of a dozen fields each, with room to spare.</summary>
    public const int MaxNodes = 40_000;

    /// <summary>How deep mappings and sequences may nest (a scenario needs four levels).</summary>
    public const int MaxDepth = 16;

    /// <summary>The media types a YAML scenario may be posted as.</summary>
    public static readonly string[] MediaTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];

    public static bool IsYaml(string? contentType) =>
        contentType is not null
        && MediaTypes.Any(t => contentType.Split(';')[0].Trim().Equals(t, StringComparison.OrdinalIgnoreCase));

    /// <summary>The document as JSON, or what is wrong with it (with its line and column).</summary>
    public static (JsonElement? Document, string? Problem) Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            return (null, $"YAML (line {e.Start.Line}, column {e.Start.Column}): {Message(e)}");
        }
        catch (ArgumentException e)
        {
            // A key given twice in one mapping.
            return (null, $"YAML: {e.Message}");
        }

        if (stream.Documents.Count != 1)
        {
            return (null, $"YAML: the body must hold exactly one document (found {stream.Documents.Count}).");
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var nodes = 0;
            if (Write(stream.Documents[0].RootNode, writer, 0, ref nodes) is { } problem)
            {
                return (null, problem);
            }
        }

        using var json = JsonDocument.Parse(buffer.WrittenMemory);
        return (json.RootElement.Clone(), null);
    }

    private static string? Write(YamlNode node, Utf8JsonWriter writer, int depth, ref int nodes)
    {
        if (++nodes > MaxNodes) return $"YAML: the document expands to more than {MaxNodes} nodes.";
        if (depth > MaxDepth) return $"YAML (line {node.Start.Line}): nested deeper than {MaxDepth} levels.";
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        return $"YAML (line {key.Start.Line}, column {key.Start.Column}): a key must be a plain string.";
                    }

                    writer.WritePropertyName(name);
                    if (Write(value, writer, depth + 1, ref nodes) is { } problem) return problem;
                }

                writer.WriteEndObject();
                return null;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    if (Write(item, writer, depth + 1, ref nodes) is { } problem) return problem;
                }

                writer.WriteEndArray();
                return null;
            case YamlScalarNode scalar:
                WriteScalar(scalar, writer);
                return null;
            default:
                return $"YAML (line {node.Start.Line}): unsupported node.";
        }
    }

    private static void WriteScalar(YamlScalarNode scalar, Utf8JsonWriter writer)
    {
        var value = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (scalar.Style is not ScalarStyle.Plain || tag == "tag:yaml.org,2002:str")
        {
            writer.WriteStringValue(value);
        }
        else if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            writer.WriteNullValue();
        }
        else if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            writer.WriteBooleanValue(value[0] is 't' or 'T');
        }
        else if (Number().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    /// <summary>The parser's message without its own position prefix (the line and column are given once, in front).</summary>
    private static string Message(YamlException e)
    {
        var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && close > 0 ? message[(close + 3)..] : message;
    }

    /// <summary>YAML 1.2 core schema decimal integers and floats (no hex, octal, infinity or NaN).</summary>
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Number();
}
