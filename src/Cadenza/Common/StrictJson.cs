using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cadenza.Common;

/// <summary>Parses a JSON object whole, so that a damaged file fails where it is parsed, as a <see cref="JsonException"/>.</summary>
/// <remarks>
/// <see cref="JsonNode.Parse(string, JsonNodeOptions?, JsonDocumentOptions)"/> checks the syntax but builds objects
/// and decodes strings only when they are first read: a duplicate key (ArgumentException) or invalid UTF-8 in a
/// string (InvalidOperationException) would surface later, in whatever code reads that value. Here every object,
/// key and string is touched once while parsing.
/// </remarks>
public static class StrictJson
{
    /// <summary>The object in <paramref name="utf8"/>.</summary>
    /// <exception cref="JsonException">Not JSON, not an object, a key twice in one object, or a string that is not valid text.</exception>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8)
    {
        try
        {
            if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) utf8 = utf8[3..];   // a UTF-8 byte-order mark, as some editors save
            JsonObject root = JsonNode.Parse(utf8)?.AsObject() ?? throw new JsonException("empty (null)");
            Touch(root);
            return root;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            throw new JsonException(e.Message.ReplaceLineEndings(" "), e);
        }
    }

    /// <summary>The object in <paramref name="text"/>; see <see cref="ParseObject(ReadOnlySpan{byte})"/>.</summary>
    public static JsonObject ParseObject(string text) => ParseObject(System.Text.Encoding.UTF8.GetBytes(text));

    private static void Touch(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, value) in o) Touch(value);
                break;
            case JsonArray a:
                foreach (JsonNode? item in a) Touch(item);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                _ = v.GetValue<string>();
                break;
        }
    }
}
