using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Cadenza.Common;
using Cadenza.Nn;

namespace Cadenza.Model;

/// <summary>Saves and loads a model folder: <c>config.json</c> (architecture, version, extra sections) + <c>weights.safetensors</c>; also opens TF.js model.json files.</summary>
public static class ModelStore
{
    /// <summary>Version of the folder format written by this build.</summary>
    public const int FormatVersion = 1;

    /// <summary>Config file name inside a model folder.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>Weights file name inside a model folder.</summary>
    public const string WeightsFile = "weights.safetensors";

    /// <summary>JSON options used for every Cadenza JSON file: camelCase, indented, enums as strings, a key that no setting has refused.</summary>
    /// <remarks>
    /// Refusing unknown keys matters inside lists: a head written <c>{"name": "pitch", …, "cpy": true}</c> in a
    /// <c>--config</c> file was trained without its copy path and nothing said so, and a model folder written by a
    /// newer build with a setting this one lacks would be read as if the setting were off.
    /// </remarks>
    public static JsonSerializerOptions Json { get; } = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="model"/> into <paramref name="folder"/>; <paramref name="sections"/> add top-level config sections (training, corpus…).</summary>
    public static void Save(MusicModel model, string folder, IReadOnlyDictionary<string, JsonNode?>? sections = null)
    {
        Directory.CreateDirectory(folder);
        SafeTensors.Write(Path.Combine(folder, WeightsFile), model.Parameters, new Dictionary<string, string> { ["format"] = "cadenza" });
        var config = new JsonObject
        {
            ["format"] = "cadenza-model",
            ["version"] = FormatVersion,
            ["model"] = JsonSerializer.SerializeToNode(model.Config, Json),
        };
        if (sections != null) foreach (var (k, v) in sections) config[k] = v?.DeepClone();
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFile), config.ToJsonString(Json));
    }

    /// <summary>Rewrites only the model section of a folder's config.json (the weights and the other sections stay as they are), atomically.</summary>
    public static void SaveConfig(ModelConfig model, string folder)
    {
        JsonObject config = ReadConfig(folder);
        config["model"] = JsonSerializer.SerializeToNode(model, Json);
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFile), config.ToJsonString(Json));
    }

    /// <summary>Loads a model from a Cadenza model folder, or from a TF.js Layers <c>model.json</c> (file or folder holding one).</summary>
    /// <exception cref="ModelFormatException">Missing, corrupt, or incompatible.</exception>
    public static MusicModel Load(string path)
    {
        if (File.Exists(path) && path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && Path.GetFileName(path) != ConfigFile)
            return TfjsFormat.Import(path);
        if (File.Exists(path)) throw new ModelFormatException(path, "expected a model folder (config.json + weights.safetensors) or a TF.js model.json");
        if (!Directory.Exists(path)) throw new ModelFormatException(path, "no such model folder or file");
        if (!File.Exists(Path.Combine(path, ConfigFile)) && File.Exists(Path.Combine(path, "model.json")))
            return TfjsFormat.Import(Path.Combine(path, "model.json"));
        JsonObject config = ReadConfig(path);
        ModelConfig modelConfig;
        try { modelConfig = config["model"].Deserialize<ModelConfig>(Json) ?? throw new JsonException("empty model section"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        { throw new ModelFormatException(Path.Combine(path, ConfigFile), e is JsonException j && JsonMerge.Unknown(j, Json) is { } unknown ? unknown : $"invalid model section: {e.Message.ReplaceLineEndings(" ")}", e); }
        modelConfig.Validate(Path.Combine(path, ConfigFile));
        string weightsPath = Path.Combine(path, WeightsFile);
        // the config's shapes decide the allocation: a damaged or hostile config must not ask for more weights than
        // the weights file can hold (float32, or wider) before that file is even opened
        long need = 0;
        foreach (var (_, shape) in modelConfig.WeightShapes())
        {
            long n = 1;
            foreach (int d in shape) n = d > 0 && n <= long.MaxValue / d ? n * d : long.MaxValue;
            need = n <= long.MaxValue - need ? need + n : long.MaxValue;
        }
        long have = File.Exists(weightsPath) ? new FileInfo(weightsPath).Length : long.MaxValue;   // missing: SafeTensors says so
        if (need > have / 2)   // F16 and BF16 tensors hold 2 bytes per weight, the narrowest Cadenza reads
            throw new ModelFormatException(Path.Combine(path, ConfigFile), $"the architecture needs {need:N0} weights, more than {WeightsFile} ({have:N0} bytes) can hold");
        var parameters = new ParameterSet(modelConfig.WeightShapes());
        var (tensors, _) = SafeTensors.Read(weightsPath);
        foreach (ParameterTensor t in parameters.Tensors)
        {
            if (!tensors.TryGetValue(t.Name, out var found)) throw new ModelFormatException(weightsPath, $"tensor '{t.Name}' is missing");
            if (!found.Shape.SequenceEqual(t.Shape))
                throw new ModelFormatException(weightsPath, $"tensor '{t.Name}' has shape [{string.Join(",", found.Shape)}], the config needs [{string.Join(",", t.Shape)}]");
            found.Values.CopyTo(parameters.Values, t.Offset);
        }
        return new MusicModel(modelConfig, parameters);
    }

    /// <summary>The <c>corpus</c> section a trained model folder records (source, files, statistics, seed windows); null for a TF.js model.</summary>
    public static JsonObject? ReadCorpusSection(string modelPath) =>
        Directory.Exists(modelPath) && File.Exists(Path.Combine(modelPath, ConfigFile)) ? ReadConfig(modelPath)["corpus"] as JsonObject : null;

    /// <summary>Reads and checks a model folder's config.json (format and version).</summary>
    public static JsonObject ReadConfig(string folder)
    {
        string file = Path.Combine(folder, ConfigFile);
        if (!File.Exists(file)) throw new ModelFormatException(folder, $"not a model folder: {ConfigFile} is missing");
        JsonObject config;
        try { config = StrictJson.ParseObject(File.ReadAllBytes(file)); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new ModelFormatException(file, $"not valid JSON: {e.Message.ReplaceLineEndings(" ")}", e); }
        int version = config["version"] is JsonValue v && v.TryGetValue(out int n) ? n : -1;
        string? format = config["format"] is JsonValue f && f.TryGetValue(out string? s) ? s : null;
        if (format != "cadenza-model") throw new ModelFormatException(file, "not a Cadenza model config (format is not 'cadenza-model')");
        if (version != FormatVersion) throw new ModelFormatException(file, $"model format version {version} is not supported by this build (it reads version {FormatVersion})");
        return config;
    }
}
