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
            throw new FormatException($"{source}: {(Unknown(e, options) is { } unknown ? unknown : $"invalid {typeof(T).Name} setting ({e.Message.ReplaceLineEndings(" ")})")}", e);
        }
    }

    /// <summary>
    /// For a key no setting has (options that disallow unmapped members), the message of the settings' own kind:
    /// "unknown HeadConfig setting 'cpy' in $.heads[0] (known: …)"; null for any other error.
    /// </summary>
    public static string? Unknown(JsonException e, JsonSerializerOptions options)
    {
        // the serializer gives the key and the type only in its message; one it words otherwise is shown as it is
        var match = System.Text.RegularExpressions.Regex.Match(e.Message, @"The JSON property '(?<key>[^']*)' could not be mapped to any \.NET member contained in type '(?<type>[^']+)'");
        if (!match.Success) return null;
        string typeName = match.Groups["type"].Value;
        Type? type = typeof(JsonMerge).Assembly.GetType(typeName);
        string known = type is null ? "" : $" (known: {string.Join(", ", options.GetTypeInfo(type).Properties.Select(p => p.Name))})";
        string key = match.Groups["key"].Value, path = e.Path ?? "";
        if (path.EndsWith("." + key, StringComparison.Ordinal)) path = path[..^(key.Length + 1)];   // the object that holds it
        string at = path is "" or "$" ? "" : $" in {path}";
        return $"unknown {typeName[(typeName.LastIndexOf('.') + 1)..]} setting '{key}'{at}{known}";
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
