using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cadenza.Common;
using Cadenza.Nn;

namespace Cadenza.Model;

/// <summary>Imports and exports the TensorFlow.js Layers format (<c>model.json</c> + weight shards) that TF.js and <c>tensorflowjs_converter</c> use for Keras models.</summary>
/// <remarks>
/// Import reads the Keras topology (input shape, LSTM layers, Dense heads) and the weights manifest, and accepts
/// both the tfjs layout (<c>modelTopology</c> = the model) and the converter's (<c>modelTopology.model_config</c>).
/// LSTM weight names may carry a cell scope (<c>lstm/lstm_cell/kernel</c>). Cadenza's own settings that Keras does not
/// store (pitch scale, loss weights) travel in <c>userDefinedMetadata.cadenza</c>.
/// </remarks>
public static class TfjsFormat
{
    /// <summary>Name of the single weight shard written on export.</summary>
    public const string ShardName = "group1-shard1of1.bin";

    /// <summary>Loads a model from a TF.js <c>model.json</c>.</summary>
    /// <exception cref="ModelFormatException">Unreadable, unsupported layers, or weights that do not fit.</exception>
    public static MusicModel Import(string modelJsonPath)
    {
        JsonObject root;
        try { root = JsonNode.Parse(File.ReadAllText(modelJsonPath))?.AsObject() ?? throw new JsonException("empty"); }
        catch (FileNotFoundException) { throw new ModelFormatException(modelJsonPath, "no such file"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new ModelFormatException(modelJsonPath, $"not valid JSON: {e.Message.ReplaceLineEndings(" ")}", e); }
        try
        {
            ModelConfig config = ReadTopology(root, modelJsonPath);
            var parameters = new ParameterSet(config.WeightShapes());
            ReadWeights(root, Path.GetDirectoryName(Path.GetFullPath(modelJsonPath))!, parameters, modelJsonPath);
            return new MusicModel(config, parameters);
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or KeyNotFoundException)
        {
            throw new ModelFormatException(modelJsonPath, $"unsupported or malformed TF.js model: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    private static ModelConfig ReadTopology(JsonObject root, string source)
    {
        JsonNode topology = root["modelTopology"] ?? throw new ModelFormatException(source, "no modelTopology (not a TF.js Layers model)");
        JsonNode model = topology["model_config"] ?? topology;
        JsonArray layers = model["config"]?["layers"]?.AsArray() ?? throw new ModelFormatException(source, "modelTopology has no layers");
        int steps = 0, features = 0;
        var lstmUnits = new List<int>();
        var dense = new Dictionary<string, int>();
        foreach (JsonNode? layer in layers)
        {
            string cls = layer!["class_name"]!.GetValue<string>();
            JsonNode cfg = layer["config"]!;
            string name = (layer["name"] ?? cfg["name"])!.GetValue<string>();
            switch (cls)
            {
                case "InputLayer":
                    JsonArray shape = (cfg["batch_input_shape"] ?? cfg["batch_shape"])!.AsArray();
                    steps = shape[1]!.GetValue<int>();
                    features = shape[2]!.GetValue<int>();
                    break;
                case "LSTM":
                    Require(cfg, "activation", "tanh", name, source);
                    Require(cfg, "recurrent_activation", "sigmoid", name, source);
                    if (cfg["use_bias"]?.GetValue<bool>() == false) throw new ModelFormatException(source, $"layer '{name}': LSTM without bias is not supported");
                    if (name != ModelConfig.LstmName(lstmUnits.Count))
                        throw new ModelFormatException(source, $"LSTM layer '{name}' must be named '{ModelConfig.LstmName(lstmUnits.Count)}' (Keras's default names)");
                    lstmUnits.Add(cfg["units"]!.GetValue<int>());
                    break;
                case "Dense":
                    Require(cfg, "activation", "linear", name, source);
                    dense[name] = cfg["units"]!.GetValue<int>();
                    break;
                default:
                    throw new ModelFormatException(source, $"layer '{name}' of class {cls} is not supported (LSTM and Dense only)");
            }
        }
        if (steps <= 0 || features <= 0) throw new ModelFormatException(source, "no input layer with a [null, steps, features] shape");
        if (lstmUnits.Count == 0) throw new ModelFormatException(source, "no LSTM layer");
        string[] outputs = model["config"]!["output_layers"]!.AsArray().Select(o => o![0]!.GetValue<string>()).ToArray();

        JsonNode? meta = root["userDefinedMetadata"]?["cadenza"];
        string[] featureNames = meta?["features"]?.AsArray().Select(f => f!.GetValue<string>()).ToArray()
            ?? (features == 3 ? ["pitch", "step", "duration"] : outputs.Length == features ? outputs : throw new ModelFormatException(source, $"cannot tell what the {features} input features are"));
        JsonNode? lossWeights = meta?["lossWeights"] ?? root["trainingConfig"]?["loss_weights"] ?? topology["training_config"]?["loss_weights"];
        var heads = outputs.Select(name =>
        {
            int units = dense.TryGetValue(name, out int u) ? u : throw new ModelFormatException(source, $"output '{name}' is not a Dense layer");
            float weight = lossWeights?[name]?.GetValue<float>() ?? (name == "pitch" ? 0.05f : 1f);
            return new HeadConfig(name, units, units > 1 ? HeadKind.Classes : HeadKind.Regression, weight);
        }).ToArray();
        var config = new ModelConfig
        {
            SequenceLength = steps,
            Features = featureNames,
            LstmUnits = lstmUnits.ToArray(),
            Heads = heads,
            PitchScale = meta?["pitchScale"]?.GetValue<float>() ?? 128f,
        };
        config.Validate(source);
        return config;
    }

    private static void Require(JsonNode cfg, string key, string expected, string layer, string source)
    {
        string? actual = cfg[key]?.GetValue<string>();
        if (actual != null && actual != expected)
            throw new ModelFormatException(source, $"layer '{layer}': {key} '{actual}' is not supported (only '{expected}')");
    }

    private static void ReadWeights(JsonObject root, string folder, ParameterSet parameters, string source)
    {
        JsonArray manifest = root["weightsManifest"]?.AsArray() ?? throw new ModelFormatException(source, "no weightsManifest");
        var found = new Dictionary<string, (int[] Shape, float[] Values)>();
        foreach (JsonNode? group in manifest)
        {
            var bytes = new MemoryStream();
            foreach (JsonNode? p in group!["paths"]!.AsArray())
            {
                string shard = Path.Combine(folder, p!.GetValue<string>());
                if (!File.Exists(shard)) throw new ModelFormatException(shard, "weight shard named in model.json is missing");
                using FileStream f = File.OpenRead(shard);
                f.CopyTo(bytes);
            }
            byte[] data = bytes.ToArray();
            long offset = 0;
            foreach (JsonNode? w in group["weights"]!.AsArray())
            {
                string name = w!["name"]!.GetValue<string>();
                string dtype = w["dtype"]?.GetValue<string>() ?? "float32";
                if (dtype != "float32" || w["quantization"] != null) throw new ModelFormatException(source, $"weight '{name}' is {dtype}{(w["quantization"] != null ? " quantised" : "")}; only float32 is supported");
                int[] shape = w["shape"]!.AsArray().Select(s => s!.GetValue<int>()).ToArray();
                long count = shape.Aggregate(1L, (a, b) => a * b);
                if (offset + count * 4 > data.Length) throw new ModelFormatException(source, $"weight shards are shorter than the manifest says (at '{name}')");
                found[name] = (shape, MemoryMarshal.Cast<byte, float>(data.AsSpan((int)offset, (int)(count * 4))).ToArray());
                offset += count * 4;
            }
        }
        foreach (ParameterTensor t in parameters.Tensors)
        {
            string layer = t.Name[..t.Name.IndexOf('/')], kind = t.Name[(t.Name.IndexOf('/') + 1)..];
            var match = found.Where(f => f.Key == t.Name || (f.Key.StartsWith(layer + "/", StringComparison.Ordinal) && f.Key.EndsWith("/" + kind, StringComparison.Ordinal))).ToList();
            if (match.Count != 1) throw new ModelFormatException(source, match.Count == 0 ? $"weight '{t.Name}' is missing" : $"weight '{t.Name}' is ambiguous");
            var (shape, values) = match[0].Value;
            if (!shape.SequenceEqual(t.Shape)) throw new ModelFormatException(source, $"weight '{match[0].Key}' has shape [{string.Join(",", shape)}], expected [{string.Join(",", t.Shape)}]");
            values.CopyTo(parameters.Values, t.Offset);
        }
    }

    /// <summary>Writes <paramref name="model"/> as <c>model.json</c> + one weight shard into <paramref name="folder"/>.</summary>
    public static void Export(MusicModel model, string folder)
    {
        Directory.CreateDirectory(folder);
        ModelConfig c = model.Config;
        var layers = new JsonArray
        {
            new JsonObject
            {
                ["name"] = "input", ["class_name"] = "InputLayer",
                ["config"] = new JsonObject { ["batch_input_shape"] = new JsonArray(null, c.SequenceLength, c.InputSize), ["dtype"] = "float32", ["sparse"] = false, ["name"] = "input" },
                ["inbound_nodes"] = new JsonArray(),
            },
        };
        string previous = "input";
        for (int l = 0; l < c.LstmUnits.Length; l++)
        {
            string name = ModelConfig.LstmName(l);
            layers.Add(new JsonObject
            {
                ["name"] = name, ["class_name"] = "LSTM",
                ["config"] = new JsonObject
                {
                    ["name"] = name, ["trainable"] = true, ["units"] = c.LstmUnits[l], ["activation"] = "tanh", ["recurrent_activation"] = "sigmoid",
                    ["use_bias"] = true, ["unit_forget_bias"] = true, ["return_sequences"] = l < c.LstmUnits.Length - 1, ["return_state"] = false,
                    ["go_backwards"] = false, ["stateful"] = false, ["unroll"] = false, ["dropout"] = 0, ["recurrent_dropout"] = 0,
                },
                ["inbound_nodes"] = Inbound(previous),
            });
            previous = name;
        }
        foreach (HeadConfig h in c.Heads)
        {
            layers.Add(new JsonObject
            {
                ["name"] = h.Name, ["class_name"] = "Dense",
                ["config"] = new JsonObject { ["units"] = h.Units, ["activation"] = "linear", ["use_bias"] = true, ["name"] = h.Name, ["trainable"] = true },
                ["inbound_nodes"] = Inbound(previous),
            });
        }
        var root = new JsonObject
        {
            ["modelTopology"] = new JsonObject
            {
                ["class_name"] = "Model",
                ["config"] = new JsonObject
                {
                    ["name"] = "music_rnn",
                    ["layers"] = layers,
                    ["input_layers"] = new JsonArray(new JsonArray("input", 0, 0)),
                    ["output_layers"] = new JsonArray(c.Heads.Select(h => (JsonNode)new JsonArray(h.Name, 0, 0)).ToArray()),
                },
                ["keras_version"] = "tfjs-layers 4.22.0",
                ["backend"] = "tensor_flow.js",
            },
            ["format"] = "layers-model",
            ["generatedBy"] = "Cadenza",
            ["convertedBy"] = null,
            ["weightsManifest"] = new JsonArray(new JsonObject
            {
                ["paths"] = new JsonArray(ShardName),
                ["weights"] = new JsonArray(model.Parameters.Tensors.Select(t => (JsonNode)new JsonObject
                {
                    ["name"] = t.Name, ["shape"] = new JsonArray(t.Shape.Select(s => (JsonNode)s).ToArray()), ["dtype"] = "float32",
                }).ToArray()),
            }),
            ["userDefinedMetadata"] = new JsonObject
            {
                ["cadenza"] = new JsonObject
                {
                    ["features"] = new JsonArray(c.Features.Select(f => (JsonNode)f).ToArray()),
                    ["pitchScale"] = c.PitchScale,
                    ["lossWeights"] = new JsonObject(c.Heads.Select(h => KeyValuePair.Create(h.Name, (JsonNode?)h.LossWeight))),
                },
            },
        };
        AtomicFile.WriteAllBytes(Path.Combine(folder, ShardName), MemoryMarshal.AsBytes(model.Parameters.Values.AsSpan()));
        AtomicFile.WriteAllText(Path.Combine(folder, "model.json"), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static JsonArray Inbound(string layer) => new(new JsonArray(new JsonArray(layer, 0, 0, new JsonObject())));
}
