using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cadenza.Common;

/// <summary>Applies JSON overrides to a settings record: defaults, then a config file, then command-line options.</summary>
public static class JsonMerge
{
    /// <summary>Returns <paramref name="value"/> with the keys of each patch (in order) replacing its own; nested objects merge.</summary>
    /// <exception cref="FormatException">A patch names an unknown key or has a value of the wrong type.</exception>
    public static T Apply<T>(T value, JsonSerializerOptions options, string source, params JsonObject?[] patches)
    {
        JsonObject merged = JsonSerializer.SerializeToNode(value, options)!.AsObject();
        // a setting left out of the JSON while at its default (an optional one) is still a setting a patch may give
        string[] optional = options.GetTypeInfo(typeof(T)).Properties.Where(p => p.Set != null).Select(p => p.Name).ToArray();
        foreach (JsonObject? patch in patches)
            if (patch != null) Merge(merged, patch, source, typeof(T).Name, optional);
        try
        {
            return merged.Deserialize<T>(options) ?? throw new FormatException($"{source}: empty settings");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: invalid {typeof(T).Name} setting ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    private static void Merge(JsonObject target, JsonObject patch, string source, string section, string[]? optional = null)
    {
        foreach (var (key, node) in patch)
        {
            string? existing = target.Select(p => p.Key).Concat(optional ?? []).FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
            if (existing is null) throw new FormatException($"{source}: unknown {section} setting '{key}' (known: {string.Join(", ", target.Select(p => p.Key).Union(optional ?? []))})");
            if (node is JsonObject child && target[existing] is JsonObject current) Merge(current, child, source, section);
            else target[existing] = node?.DeepClone();
        }
    }
}
