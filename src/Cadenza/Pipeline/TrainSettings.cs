using System.Text.Json;
using System.Text.Json.Nodes;
using Cadenza.Common;
using Cadenza.Model;
using Cadenza.Training;

namespace Cadenza.Pipeline;

/// <summary>Resolves the effective settings of a train run: a preset's defaults (or, on resume, the saved ones), then a JSON config file, then explicit options.</summary>
public static class TrainSettings
{
    /// <summary>The preset of <c>train</c> and <c>demo</c> when none is named: Cadenza's own model.</summary>
    public const string DefaultPreset = "cadenza";

    /// <summary>
    /// Returns the architecture and training settings. The config file has the shape of a model's config.json:
    /// <c>{"model": {…}, "training": {…}}</c>; keys are the camelCase property names of <see cref="ModelConfig"/> and
    /// <see cref="TrainingConfig"/>.
    /// </summary>
    /// <param name="preset">cadenza (the default) or paper: the architecture and training settings to start from.</param>
    /// <exception cref="FormatException">The config file is unreadable or names an unknown setting, or the preset is unknown.</exception>
    /// <param name="modelOptions">Model keys given on the command line (instruments, instrumentLimit), applied after the config file.</param>
    public static (ModelConfig Model, TrainingConfig Training) Resolve(string output, bool resume, string? configFile, JsonObject? trainingOptions, string? preset = null, JsonObject? modelOptions = null)
    {
        preset ??= DefaultPreset;
        if (preset is not ("cadenza" or "paper")) throw new FormatException($"--preset must be cadenza or paper, got '{preset}'");
        ModelConfig model = ModelConfig.Preset(preset);
        TrainingConfig training = TrainingConfig.Preset(preset);
        if (resume && File.Exists(Path.Combine(output, ModelStore.ConfigFile)))
        {
            JsonObject saved = ModelStore.ReadConfig(output);
            if (saved["training"] is JsonObject t) training = JsonMerge.Apply(training, ModelStore.Json, Path.Combine(output, ModelStore.ConfigFile), t);
        }
        if (configFile != null)
        {
            JsonObject file;
            try { file = StrictJson.ParseObject(File.ReadAllBytes(configFile)); }
            catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new FormatException($"{configFile}: not a JSON object ({e.Message.ReplaceLineEndings(" ")})", e); }
            catch (FileNotFoundException) { throw new FormatException($"{configFile}: no such config file"); }
            foreach (var (key, _) in file)
                if (key is not ("model" or "training" or "format" or "version" or "corpus"))
                    throw new FormatException($"{configFile}: unknown section '{key}' (expected \"model\" and/or \"training\")");
            if (file["model"] is JsonObject m) model = JsonMerge.Apply(model, ModelStore.Json, configFile, m);
            if (file["training"] is JsonObject tr) training = JsonMerge.Apply(training, ModelStore.Json, configFile, tr);
        }
        if (modelOptions is { Count: > 0 }) model = JsonMerge.Apply(model, ModelStore.Json, "command line", modelOptions);
        if (trainingOptions is { Count: > 0 }) training = JsonMerge.Apply(training, ModelStore.Json, "command line", trainingOptions);
        model.Validate(configFile ?? "model settings");
        training.Validate();
        return (model, training);
    }
}
