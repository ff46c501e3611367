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
/// LSTM layers are taken in order whatever their names; weight names may carry a cell or model scope
/// (<c>lstm/lstm_cell/kernel</c>); quantised weights (float16, uint8, uint16) are dequantised. Cadenza's own settings that Keras does not
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
        try { root = StrictJson.ParseObject(File.ReadAllBytes(modelJsonPath)); }
        catch (FileNotFoundException) { throw new ModelFormatException(modelJsonPath, "no such file"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new ModelFormatException(modelJsonPath, $"not valid JSON: {e.Message.ReplaceLineEndings(" ")}", e); }
        try
        {
            (ModelConfig config, Dictionary<string, string> sourceLayer) = ReadTopology(root, modelJsonPath);
            var parameters = new ParameterSet(config.WeightShapes());
            ReadWeights(root, Path.GetDirectoryName(Path.GetFullPath(modelJsonPath))!, parameters, sourceLayer, modelJsonPath);
            return new MusicModel(config, parameters);
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or KeyNotFoundException)
        {
            throw new ModelFormatException(modelJsonPath, $"unsupported or malformed TF.js model: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    // The config, and for each of Cadenza's layer names the layer's name in the file: LSTM layers are taken in order
    // whatever they are called (Keras names them lstm, lstm_1, …; TF.js lstm_LSTM1, …; users anything).
    private static (ModelConfig, Dictionary<string, string>) ReadTopology(JsonObject root, string source)
    {
        JsonNode topology = root["modelTopology"] ?? throw new ModelFormatException(source, "no modelTopology (not a TF.js Layers model)");
        JsonNode model = topology["model_config"] ?? topology;
        JsonArray layers = model["config"]?["layers"]?.AsArray() ?? throw new ModelFormatException(source, "modelTopology has no layers");
        JsonArray outputLayers = model["config"]!["output_layers"]?.AsArray()
            ?? throw new ModelFormatException(source, $"a {model["class_name"]?.GetValue<string>() ?? "model"} without output_layers: Cadenza reads functional models with one Dense head per predicted feature");
        int steps = 0, features = 0;
        string? input = null;
        var lstms = new List<(string Name, int Units, bool Sequences, string? Inbound)>();
        var dense = new Dictionary<string, (int Units, string? Inbound)>();
        foreach (JsonNode? layer in layers)
        {
            string cls = layer!["class_name"]!.GetValue<string>();
            JsonNode cfg = layer["config"]!;
            string name = (layer["name"] ?? cfg["name"])!.GetValue<string>();
            switch (cls)
            {
                case "InputLayer":
                    JsonArray shape = (cfg["batch_input_shape"] ?? cfg["batch_shape"])!.AsArray();
                    if (shape.Count != 3) throw new ModelFormatException(source, $"input '{name}' has shape [{string.Join(", ", shape.Select(d => d?.ToJsonString() ?? "null"))}], not [null, steps, features]");
                    steps = shape[1]!.GetValue<int>();
                    features = shape[2]!.GetValue<int>();
                    input = name;
                    break;
                case "LSTM":
                    Require(cfg, "activation", "tanh", name, source);
                    Require(cfg, "recurrent_activation", "sigmoid", name, source);
                    if (cfg["use_bias"]?.GetValue<bool>() == false) throw new ModelFormatException(source, $"layer '{name}': LSTM without bias is not supported");
                    if (cfg["go_backwards"]?.GetValue<bool>() == true) throw new ModelFormatException(source, $"layer '{name}': a backwards LSTM is not supported");
                    lstms.Add((name, cfg["units"]!.GetValue<int>(), cfg["return_sequences"]?.GetValue<bool>() ?? false, Inbound(layer)));
                    break;
                case "Dense":
                    Require(cfg, "activation", "linear", name, source);
                    if (cfg["use_bias"]?.GetValue<bool>() == false) throw new ModelFormatException(source, $"layer '{name}': Dense without bias is not supported");
                    dense[name] = (cfg["units"]!.GetValue<int>(), Inbound(layer));
                    break;
                default:
                    throw new ModelFormatException(source, $"layer '{name}' of class {cls} is not supported (LSTM and Dense only)");
            }
        }
        if (steps <= 0 || features <= 0) throw new ModelFormatException(source, "no input layer with a [null, steps, features] shape");
        if (lstms.Count == 0) throw new ModelFormatException(source, "no LSTM layer");
        // the one shape Cadenza runs: input → LSTM → … → LSTM → Dense heads on the last hidden state
        for (int l = 0; l < lstms.Count; l++)
        {
            string expected = l == 0 ? input! : lstms[l - 1].Name;
            if (lstms[l].Inbound is { } from && from != expected)
                throw new ModelFormatException(source, $"LSTM layer '{lstms[l].Name}' reads '{from}', not '{expected}': only a stack of LSTMs on the input is supported");
            bool last = l == lstms.Count - 1;
            if (lstms[l].Sequences == last)
                throw new ModelFormatException(source, last
                    ? $"the last LSTM layer '{lstms[l].Name}' returns sequences; the heads must read its last hidden state"
                    : $"LSTM layer '{lstms[l].Name}' feeds another LSTM but does not return sequences");
        }
        string[] outputs = outputLayers.Select(o => o![0]!.GetValue<string>()).ToArray();
        if (outputs.Distinct().Count() != outputs.Length) throw new ModelFormatException(source, $"output_layers names a layer twice ({string.Join(", ", outputs)})");

        JsonNode? meta = root["userDefinedMetadata"]?["cadenza"];
        string[] featureNames = meta?["features"]?.AsArray().Select(f => f!.GetValue<string>()).ToArray()
            ?? (features == 3 ? ["pitch", "step", "duration"] : outputs.Length == features ? outputs : throw new ModelFormatException(source, $"cannot tell what the {features} input features are"));
        JsonNode? lossWeights = meta?["lossWeights"] ?? root["trainingConfig"]?["loss_weights"] ?? topology["training_config"]?["loss_weights"];
        var heads = outputs.Select((name, index) =>
        {
            if (!dense.TryGetValue(name, out var d)) throw new ModelFormatException(source, $"output '{name}' is not a Dense layer");
            if (d.Inbound is { } from && from != lstms[^1].Name)
                throw new ModelFormatException(source, $"output '{name}' reads '{from}', not the last LSTM layer '{lstms[^1].Name}'");
            // Keras stores loss weights by output name or as a list in output order
            float? stored = lossWeights switch
            {
                JsonObject byName => byName[name]?.GetValue<float>(),
                JsonArray inOrder when inOrder.Count == outputs.Length => inOrder[index]?.GetValue<float>(),
                _ => null,
            };
            float weight = stored ?? (name == "pitch" ? 0.05f : 1f);
            return new HeadConfig(name, d.Units, d.Units > 1 ? HeadKind.Classes : HeadKind.Regression, weight);
        }).ToArray();
        var config = new ModelConfig
        {
            SequenceLength = steps,
            Features = featureNames,
            LstmUnits = lstms.Select(l => l.Units).ToArray(),
            Heads = heads,
            PitchScale = meta?["pitchScale"]?.GetValue<float>() ?? 128f,
        };
        config.Validate(source);
        var sourceLayer = heads.ToDictionary(h => h.Name, h => h.Name);
        for (int l = 0; l < lstms.Count; l++) sourceLayer[ModelConfig.LstmName(l)] = lstms[l].Name;
        return (config, sourceLayer);
    }

    // The layer a layer reads, from either Keras 2's [[[name, 0, 0, {}]]] or Keras 3's
    // [{"args": [{"config": {"keras_history": [name, 0, 0]}}]}]; null when it cannot be told.
    private static string? Inbound(JsonNode layer)
    {
        if (layer["inbound_nodes"] is not JsonArray { Count: 1 } nodes) return null;
        JsonNode? node = nodes[0];
        if (node is JsonArray { Count: 1 } k2 && k2[0] is JsonArray { Count: > 0 } call && call[0] is JsonValue v2 && v2.TryGetValue(out string? n2)) return n2;
        if (node?["args"] is JsonArray { Count: > 0 } args && args[0]?["config"]?["keras_history"] is JsonArray { Count: > 0 } history
            && history[0] is JsonValue v3 && v3.TryGetValue(out string? n3)) return n3;
        return null;
    }

    private static void Require(JsonNode cfg, string key, string expected, string layer, string source)
    {
        string? actual = cfg[key] is JsonValue v && v.TryGetValue(out string? text) ? text : cfg[key]?["config"]?["name"]?.GetValue<string>() ?? cfg[key]?["class_name"]?.GetValue<string>();
        if (actual != null && actual != expected)
            throw new ModelFormatException(source, $"layer '{layer}': {key} '{actual}' is not supported (only '{expected}')");
    }

    private static void ReadWeights(JsonObject root, string folder, ParameterSet parameters, Dictionary<string, string> sourceLayer, string source)
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
                int[] shape = w["shape"]!.AsArray().Select(s => s!.GetValue<int>()).ToArray();
                if (shape.Any(d => d < 0)) throw new ModelFormatException(source, $"weight '{name}' has a negative dimension [{string.Join(",", shape)}]");
                long count = shape.Aggregate(1L, (a, b) => a * b);
                Encoding encoding = Encoding.Of(w, name, source);
                long size = count * encoding.Bytes;
                if (offset + size > data.Length) throw new ModelFormatException(source, $"weight shards are shorter than the manifest says (at '{name}')");
                if (encoding.Float) found[name] = (shape, encoding.Decode(data.AsSpan((int)offset, (int)size), count));
                offset += size;
            }
        }
        foreach (ParameterTensor t in parameters.Tensors)
        {
            int slash = t.Name.IndexOf('/');
            string layer = sourceLayer[t.Name[..slash]], kind = t.Name[(slash + 1)..];
            // "lstm/kernel", "lstm/lstm_cell/kernel" (a cell scope), "model/lstm/kernel" (a model scope)
            var match = found.Where(f => f.Key.EndsWith("/" + kind, StringComparison.Ordinal)
                                         && (f.Key.StartsWith(layer + "/", StringComparison.Ordinal) || f.Key.Contains("/" + layer + "/", StringComparison.Ordinal))).ToList();
            if (match.Count > 1) match = match.Where(f => f.Key.StartsWith(layer + "/", StringComparison.Ordinal)).ToList();
            if (match.Count != 1) throw new ModelFormatException(source, match.Count == 0 ? $"weight '{layer}/{kind}' is missing" : $"weight '{layer}/{kind}' is ambiguous");
            var (shape, values) = match[0].Value;
            if (!shape.SequenceEqual(t.Shape)) throw new ModelFormatException(source, $"weight '{match[0].Key}' has shape [{string.Join(",", shape)}], expected [{string.Join(",", t.Shape)}]");
            values.CopyTo(parameters.Values, t.Offset);
        }
    }

    // How a weight is stored in the shards: float32, or quantised by tensorflowjs_converter (--quantize_float16,
    // --quantize_uint8, --quantize_uint16: value = q·scale + min). Other dtypes (int32, bool) are skipped over.
    // TF.js dequantises in double (JavaScript numbers) and rounds once into a Float32Array: so does Decode
    private readonly record struct Encoding(string Dtype, int Bytes, bool Float, double Scale, double Min)
    {
        public static Encoding Of(JsonNode w, string name, string source)
        {
            string dtype = w["dtype"]?.GetValue<string>() ?? "float32";
            if (w["quantization"] is JsonNode q)
            {
                string stored = q["dtype"]!.GetValue<string>();
                return stored switch
                {
                    "float16" => new Encoding(stored, 2, true, 1, 0),
                    "uint8" or "uint16" => new Encoding(stored, stored == "uint8" ? 1 : 2, true,
                        q["scale"]?.GetValue<double>() ?? throw new ModelFormatException(source, $"weight '{name}': {stored} quantisation without a scale"),
                        q["min"]?.GetValue<double>() ?? throw new ModelFormatException(source, $"weight '{name}': {stored} quantisation without a min")),
                    _ => throw new ModelFormatException(source, $"weight '{name}' is quantised as {stored}; float16, uint8 and uint16 are supported"),
                };
            }
            return dtype switch
            {
                "float32" => new Encoding(dtype, 4, true, 1, 0),
                "int32" => new Encoding(dtype, 4, false, 1, 0),
                "bool" => new Encoding(dtype, 1, false, 1, 0),
                _ => throw new ModelFormatException(source, $"weight '{name}' has dtype {dtype}; only float32 weights are supported"),
            };
        }

        public float[] Decode(ReadOnlySpan<byte> data, long count)
        {
            var values = new float[count];
            switch (Dtype)
            {
                case "float16": for (int i = 0; i < count; i++) values[i] = (float)BitConverter.ToHalf(data.Slice(2 * i, 2)); break;
                case "uint8": for (int i = 0; i < count; i++) values[i] = (float)(data[i] * Scale + Min); break;
                case "uint16": for (int i = 0; i < count; i++) values[i] = (float)(BitConverter.ToUInt16(data.Slice(2 * i, 2)) * Scale + Min); break;
                default: MemoryMarshal.Cast<byte, float>(data).CopyTo(values); break;
            }
            return values;
        }
    }

    /// <summary>Writes <paramref name="model"/> as <c>model.json</c> + one weight shard into <paramref name="folder"/>.</summary>
    /// <exception cref="ModelFormatException">The model has layers the Layers format of the paper's model cannot hold (embeddings, time classes, copy paths).</exception>
    public static void Export(MusicModel model, string folder)
    {
        ModelConfig c = model.Config;
        if (c.Embeddings is { Length: > 0 } || c.Heads.Any(h => h.Copy || h.Given is { Length: > 0 } || (h.Kind == HeadKind.Classes && h.Name != "pitch")))
            throw new ModelFormatException(folder, "TF.js export holds LSTM + Dense models such as the paper's (--preset paper); this model has embeddings, time classes or copy paths");
        Directory.CreateDirectory(folder);
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
